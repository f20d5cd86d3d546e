// 同城 页面脚本：图表初始化与 htmx 的 CSRF 头。页面不内联脚本（CSP），图表配置写在 data-chart 属性里。
(function () {
  "use strict";
  function token() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = token();
  });
  // ECharts (about 1 MB) is loaded only by pages that hold a chart, once, from this site
  var echartsWaiting = [];
  function loadECharts(root) {
    echartsWaiting.push(root);
    if (echartsWaiting.length > 1) return;
    var s = document.createElement("script");
    s.src = "/static/vendor/echarts.min.js";
    s.onload = function () {
      var roots = echartsWaiting;
      echartsWaiting = [];
      roots.forEach(initCharts);
    };
    s.onerror = function () { console.error("图表组件加载失败"); };
    document.head.appendChild(s);
  }
  function initCharts(root) {
    if (!root.querySelector("[data-chart]") && !(root.matches && root.matches("[data-chart]"))) return;
    if (!window.echarts) { loadECharts(root); return; }
    var els = Array.prototype.slice.call(root.querySelectorAll("[data-chart]"));
    if (root.matches && root.matches("[data-chart]")) els.push(root);
    els.forEach(function (el) {
      if (el.dataset.chartReady) return;
      el.dataset.chartReady = "1";
      var option;
      try { option = JSON.parse(el.getAttribute("data-chart")); } catch (err) { console.warn("图表配置无法解析", err); return; }
      // tooltip.fromData: a point's own "tip" text is its tooltip (JSON cannot carry a formatter function)
      if (option.tooltip && option.tooltip.fromData) {
        delete option.tooltip.fromData;
        option.tooltip.formatter = function (p) {
          var t = (p.data && p.data.tip) || p.seriesName || "";
          var d = document.createElement("div");
          d.textContent = t;
          return d.innerHTML;
        };
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      // a point with a "url" (a path on this site) opens it, e.g. the problem list with the point's filter
      chart.on("click", function (p) {
        var u = p.data && p.data.url;
        if (typeof u === "string" && u.charAt(0) === "/" && u.charAt(1) !== "/") window.location.href = u;
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { initCharts(e.target); });
  window.tongcheng = { initCharts: initCharts };
})();
