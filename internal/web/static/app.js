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
  function initCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      el.dataset.chartReady = "1";
      var option;
      try { option = JSON.parse(el.getAttribute("data-chart")); } catch (err) { console.warn("图表配置无法解析", err); return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { initCharts(e.target); });
  window.tongcheng = { initCharts: initCharts };
})();
