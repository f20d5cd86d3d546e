package river

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/region"
)

// The problem list's repeated parts, its rows and the choices of its filter, are written
// here instead of by the template: fifty rows of ten fields and some eighty choices cost
// the template about as much as the list's queries (every field is a reflective call and
// an escaper), and they are plain text in fixed markup. listrows_test.go holds them to the
// template markup they replace, byte for byte.

// htmlText escapes text the way html/template does in element content and quoted attributes.
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// listRowsHTML writes the list's table rows (or the row that says nothing matched); a
// problem with photos (photos: count by problem id) is marked with their number.
func listRowsHTML(list []*ProblemRow, now time.Time, photos map[int64]int64) template.HTML {
	if len(list) == 0 {
		return `<tr><td colspan="8" class="muted">没有符合条件的问题。</td></tr>`
	}
	var b strings.Builder
	b.Grow(len(list) * 640)
	text := func(s string) { htmlText.WriteString(&b, s) }
	for _, p := range list {
		b.WriteString(`<tr><td><a href="/river/problems/`)
		b.WriteString(strconv.FormatInt(p.RowID, 10))
		b.WriteString(`">`)
		text(p.No)
		b.WriteString(`</a>`)
		if n := photos[p.RowID]; n > 0 {
			c := strconv.FormatInt(n, 10)
			b.WriteString(` <span class="tag" title="照片 `)
			b.WriteString(c)
			b.WriteString(` 张">照片 `)
			b.WriteString(c)
			b.WriteString(`</span>`)
		}
		b.WriteString(`</td><td>`)
		text(p.ReachName)
		b.WriteString(`</td><td>`)
		text(p.Source.String())
		b.WriteString(`</td><td>`)
		text(p.Category.String())
		b.WriteString("</td>\n<td>")
		text(region.FullName(p.Region))
		if p.Region2 != "" {
			b.WriteString("、")
			text(region.FullName(p.Region2))
		}
		b.WriteString(`</td><td><span class="tag">`)
		text(p.State.String())
		b.WriteString(`</span>`)
		if Overdue(p.Problem, now) {
			b.WriteString(` <span class="tag" style="background:#c0392b;color:#fff">超期</span>`)
		}
		b.WriteString("</td>\n<td>")
		if !p.Deadline.IsZero() {
			b.WriteString(p.Deadline.In(shanghai).Format(time.DateOnly))
		}
		b.WriteString(`</td><td>`)
		if !p.ReportedAt.IsZero() {
			b.WriteString(p.ReportedAt.In(shanghai).Format(time.DateTime))
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

// choice is one option of a filter's drop-down list.
type choice struct{ Value, Label string }

// choicesHTML writes the options of a drop-down list, the selected one marked.
func choicesHTML(cs []choice, selected string) template.HTML {
	var b strings.Builder
	b.Grow(len(cs) * 48)
	for _, c := range cs {
		b.WriteString(`<option value="`)
		htmlText.WriteString(&b, c.Value)
		b.WriteString(`"`)
		if c.Value == selected {
			b.WriteString(` selected`)
		}
		b.WriteString(`>`)
		htmlText.WriteString(&b, c.Label)
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String())
}

// The list filter's choices: the four cities, their counties (named with their city),
// the workflow states, categories and sources.
var (
	listCities, listCounties, listStates, listCategories, listSources []choice
)

func init() {
	for _, c := range region.Cities() {
		listCities = append(listCities, choice{c.Code, c.Name})
		for _, k := range region.Children(c.Code) {
			listCounties = append(listCounties, choice{k.Code, c.Name + " · " + k.Name})
		}
	}
	for _, s := range States {
		listStates = append(listStates, choice{string(s), s.String()})
	}
	for _, c := range Categories {
		listCategories = append(listCategories, choice{string(c), c.String()})
	}
	for _, s := range Sources {
		listSources = append(listSources, choice{string(s), s.String()})
	}
}
