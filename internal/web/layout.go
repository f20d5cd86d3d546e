package web

import (
	"bytes"
	"html"

	"tongcheng/internal/region"
)

// The layout every page sits in (head, top bar with navigation, flash messages, footer)
// is written here in Go rather than through html/template: it is on every page, and
// html/template's reflective calls into its escapers for each field cost more than the
// rest of a small page. Every value is escaped with html.EscapeString; the navigation
// bar comes from navHTML, which escapes its own values.

const layoutHead = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="`

const layoutAssets = ` · 同城</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/vendor/htmx.min.js" defer></script>
<script src="/static/app.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">同城 <small>成德眉资同城化协同平台</small></a>
`

const layoutFoot = `
</main>
<footer class="foot">四川省同城化办公室 · 成都 德阳 眉山 资阳</footer>
</body>
</html>
`

// writeLayoutTop writes everything before the page's own content.
func writeLayoutTop(b *bytes.Buffer, p *Page) {
	esc := func(s string) { b.WriteString(html.EscapeString(s)) }
	b.WriteString(layoutHead)
	esc(p.CSRF)
	b.WriteString("\">\n<title>")
	esc(p.Title)
	b.WriteString(layoutAssets)
	if u := p.User; u != nil {
		b.WriteString(`  <input type="checkbox" id="navtoggle" class="navtoggle" aria-label="菜单">
  <label for="navtoggle" class="navbtn">菜单</label>
  <nav class="nav">
    `)
		b.WriteString(string(p.NavHTML))
		b.WriteString(`
  </nav>
  <div class="who">
    <a href="/account" title="我的账户：`)
		esc(u.Roles)
		b.WriteString(`">`)
		esc(u.DisplayName)
		b.WriteString(" · ")
		esc(region.FullName(u.Region))
		b.WriteString(`</a>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="`)
		esc(p.CSRF)
		b.WriteString(`"><button class="link">退出</button></form>
  </div>
`)
	}
	b.WriteString("</header>\n<main class=\"main\">\n")
	if p.Flash != "" {
		b.WriteString(`  <div class="flash ok" role="status">`)
		esc(p.Flash)
		b.WriteString("</div>\n")
	}
	if p.Error != "" {
		b.WriteString(`  <div class="flash err" role="alert">`)
		esc(p.Error)
		b.WriteString("</div>\n")
	}
}

// writeLayoutBottom closes the page.
func writeLayoutBottom(b *bytes.Buffer) { b.WriteString(layoutFoot) }
