package river

import (
	"html/template"
	"strconv"
	"strings"

	"tongcheng/internal/region"
)

// The repeated parts of the river page (its up to 300 reach rows) and of the chief page
// (the 河长关系树, up to 500 nodes) are written here instead of by the template, as the
// problem list's rows are (listrows.go): the template spent about half of these pages'
// CPU on reflective field look-ups and escapers for plain text in fixed markup.
// archiverows_test.go holds them to the template markup they replace, byte for byte.

// urlPart writes s as html/template writes a value inside a URL attribute after its
// start (href="/river/reaches/{{.Code}}"): bytes a URL may not carry are percent-encoded
// (reserved characters and valid escapes are kept), then the attribute is escaped.
func urlPart(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	isHex := func(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
	done := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~", c) >= 0:
			continue
		case c == '&':
			b.WriteString(s[done:i])
			b.WriteString("&amp;")
			done = i + 1
			continue
		case c == '+':
			b.WriteString(s[done:i])
			b.WriteString("&#43;")
			done = i + 1
			continue
		case strings.IndexByte("!#$*,/:;=?@[]", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		b.WriteString(s[done:i])
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
		done = i + 1
	}
	b.WriteString(s[done:])
}

// reachRowsHTML writes the river page's reach rows (or the row that says there are none).
func reachRowsHTML(list []ReachRow) template.HTML {
	if len(list) == 0 {
		return `<tr><td colspan="4" class="muted">尚未划分河段。</td></tr>`
	}
	var b strings.Builder
	b.Grow(len(list) * 320)
	text := func(s string) { htmlText.WriteString(&b, s) }
	for i := range list {
		r := &list[i]
		b.WriteString(`<tr><td><a href="/river/reaches/`)
		urlPart(&b, r.Code)
		b.WriteString(`">`)
		text(r.Name)
		b.WriteString(`</a></td><td>`)
		text(region.FullName(r.Region))
		if r.Region2 != "" {
			b.WriteString("、")
			text(region.FullName(r.Region2))
		}
		b.WriteString("</td>\n<td>")
		if r.ChiefID != 0 {
			b.WriteString(`<a href="/river/chiefs/`)
			b.WriteString(strconv.FormatInt(r.ChiefID, 10))
			b.WriteString(`">`)
			text(r.ChiefName)
			b.WriteString(`</a>（`)
			text(r.ChiefLevelName)
			b.WriteString(`）`)
		} else {
			b.WriteString(`<span class="muted">未设</span>`)
		}
		b.WriteString("</td>\n<td><a href=\"/river/board/")
		urlPart(&b, r.Code)
		b.WriteString(`">`)
		text(r.Code)
		b.WriteString("</a></td></tr>\n")
	}
	return template.HTML(b.String())
}

// chiefTreeHTML writes the 河长关系树 from n down: a chief with subordinates drawn opens
// as a details element (open for the first two levels), one without shows how many it
// has and links to them.
func chiefTreeHTML(n *TreeNode) template.HTML {
	var b strings.Builder
	b.Grow(countNodes(n) * 300)
	writeTreeNode(&b, n)
	return template.HTML(b.String())
}

func writeTreeNode(b *strings.Builder, n *TreeNode) {
	text := func(s string) { htmlText.WriteString(b, s) }
	id := strconv.FormatInt(n.ID, 10)
	// the chief's link, level and unit
	head := func() {
		b.WriteString(`<a href="/river/chiefs/`)
		b.WriteString(id)
		b.WriteString(`">`)
		text(n.Name)
		b.WriteString(`</a> <span class="tag">`)
		text(n.LevelName)
		b.WriteString(`</span> <span class="muted">`)
		text(n.Where())
		if n.Title != "" {
			b.WriteString(` · `)
			text(n.Title)
		}
	}
	b.WriteString(`<li>`)
	if len(n.Kids) > 0 {
		b.WriteString(`<details`)
		if n.Depth < 2 {
			b.WriteString(` open`)
		}
		b.WriteString(`><summary>`)
		head()
		b.WriteString(` · 下级 `)
		b.WriteString(strconv.FormatInt(n.Children, 10))
		b.WriteString("</span></summary>\n<ul class=\"tree\">")
		for _, k := range n.Kids {
			writeTreeNode(b, k)
		}
		b.WriteString(`</ul></details>`)
	} else {
		head()
		b.WriteString(`</span>`)
		if n.Children != 0 {
			b.WriteString(` <a href="/river/chiefs/`)
			b.WriteString(id)
			b.WriteString(`#tree">下级 `)
			b.WriteString(strconv.FormatInt(n.Children, 10))
			b.WriteString(` 名 ›</a>`)
		}
	}
	b.WriteString(`</li>`)
}
