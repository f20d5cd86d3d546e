package river

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/region"
	"tongcheng/internal/web"
)

// The template markup listrows.go replaced, kept here as the reference it is held to. In
// the drop-downs of states, categories and sources the replaced markup wrote {{.}}, which
// prints a State, Category or Source by its Chinese name: the form sent state=已办结销号,
// which no problem has, and never marked the chosen one. The reference writes the code
// (code), as the filter reads it; TestListChoicesAsTemplate checks that too.
const (
	rowsTemplate = `{{range .}}<tr><td><a href="/river/problems/{{.RowID}}">{{.No}}</a>{{with photos .RowID}} <span class="tag" title="照片 {{.}} 张">照片 {{.}}</span>{{end}}</td><td>{{.ReachName}}</td><td>{{sourceName .Source}}</td><td>{{categoryName .Category}}</td>
<td>{{regionName .Region}}{{if .Region2}}、{{regionName .Region2}}{{end}}</td><td><span class="tag">{{stateName .State}}</span>{{if overdue .}} <span class="tag" style="background:#c0392b;color:#fff">超期</span>{{end}}</td>
<td>{{date .Deadline}}</td><td>{{datetime .ReportedAt}}</td></tr>
{{else}}<tr><td colspan="8" class="muted">没有符合条件的问题。</td></tr>{{end}}`
	choicesTemplate = `{{define "cities"}}{{range cities}}<option value="{{.Code}}"{{if eq .Code $.Selected}} selected{{end}}>{{.Name}}</option>{{end}}{{end}}` +
		`{{define "counties"}}{{range .Counties}}<option value="{{.Code}}"{{if eq .Code $.Selected}} selected{{end}}>{{.Name}}</option>{{end}}{{end}}` +
		`{{define "states"}}{{range .States}}<option value="{{code .}}"{{if eq (code .) $.Selected}} selected{{end}}>{{stateName .}}</option>{{end}}{{end}}` +
		`{{define "categories"}}{{range .Categories}}<option value="{{code .}}"{{if eq (code .) $.Selected}} selected{{end}}>{{categoryName .}}</option>{{end}}{{end}}` +
		`{{define "sources"}}{{range .Sources}}<option value="{{code .}}"{{if eq (code .) $.Selected}} selected{{end}}>{{sourceName .}}</option>{{end}}{{end}}`
)

func referenceTemplate(t *testing.T, text string, now time.Time, extra ...template.FuncMap) *template.Template {
	t.Helper()
	m := &Module{Now: func() time.Time { return now }}
	fm := web.Funcs()
	for k, v := range m.funcs() {
		fm[k] = v
	}
	fm["code"] = func(v any) string {
		switch x := v.(type) {
		case State:
			return string(x)
		case Category:
			return string(x)
		case Source:
			return string(x)
		}
		return ""
	}
	for _, x := range extra {
		for k, v := range x {
			fm[k] = v
		}
	}
	return template.Must(template.New("ref").Funcs(fm).Parse(text))
}

func render(t *testing.T, tpl *template.Template, name string, data any) string {
	t.Helper()
	var b strings.Builder
	if err := tpl.ExecuteTemplate(&b, name, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestListRowsAsTemplate: the list's rows written in Go are, byte for byte, what the
// template wrote: escaped names (markup, quotes, ampersands, plus signs), a problem of two
// cities, the overdue mark, no deadline, times in 北京时间, and the empty list.
func TestListRowsAsTemplate(t *testing.T) {
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	p := func(id int64, no, reach string, s State, deadline time.Time, r2 string) *ProblemRow {
		r := &ProblemRow{Problem: Problem{Source: SourcePublic, Category: CategorySewage, State: s, Deadline: deadline,
			ReportedAt: time.Date(2026, 11, 19, 17, 30, 5, 0, time.UTC)}, RowID: id, No: no, ReachName: reach, Region: "510121", Region2: r2}
		return r
	}
	list := []*ProblemRow{
		p(75000, "HZ20261120ABC", `沱江<script>alert("x&y")</script> 'a'+b`, StateHandling, now.Add(-time.Hour), ""), // overdue
		p(74999, "HZ2", "绵远河金堂段", StateHandling, now.Add(time.Hour), "510681"),                                     // not yet, two cities
		p(74998, "HZ3", "", StateClosed, now.Add(-48*time.Hour), ""),                                               // closed: never overdue
		p(74997, "HZ4", "毗河", StateReported, time.Time{}, ""),                                                      // no deadline
		{RowID: 1, No: "HZ5", Region: "519999", Problem: Problem{State: State("odd"), Source: Source("x"), Category: Category("y")}},
	}
	// photos: two problems have some, one is counted as none, the rest are not in the map
	photos := map[int64]int64{75000: 3, 74997: 1, 74998: 0}
	tpl := referenceTemplate(t, rowsTemplate, now, template.FuncMap{"photos": func(id int64) int64 { return photos[id] }})
	for _, l := range [][]*ProblemRow{list, nil} {
		want := render(t, tpl, "ref", l)
		if got := string(listRowsHTML(l, now, photos)); got != want {
			t.Fatalf("rows differ from the template:\n got %q\nwant %q", got, want)
		}
	}
	if got := string(listRowsHTML(list[:1], now, photos)); !strings.Contains(got, "&lt;script&gt;alert(&#34;x&amp;y&#34;)&lt;/script&gt; &#39;a&#39;&#43;b") ||
		!strings.Contains(got, "超期") || !strings.Contains(got, "2026-11-20 01:30:05") || !strings.Contains(got, `HZ20261120ABC</a> <span class="tag" title="照片 3 张">照片 3</span></td>`) {
		t.Fatalf("row %s", got)
	}
	if got := string(listRowsHTML(list[1:3], now, photos)); strings.Contains(got, "照片") {
		t.Fatalf("rows without photos %s", got)
	}
}

// TestListChoicesAsTemplate: the filter's drop-down lists written in Go are what the
// template wrote, with each value in turn selected and with none.
func TestListChoicesAsTemplate(t *testing.T) {
	tpl := referenceTemplate(t, choicesTemplate, time.Now())
	var counties []region.Region
	for _, c := range region.Cities() {
		for _, k := range region.Children(c.Code) {
			k.Name = c.Name + " · " + k.Name
			counties = append(counties, k)
		}
	}
	type data struct {
		Selected   string
		Counties   []region.Region
		States     []State
		Categories []Category
		Sources    []Source
	}
	for name, cs := range map[string][]choice{"cities": listCities, "counties": listCounties, "states": listStates, "categories": listCategories, "sources": listSources} {
		if len(cs) < 4 {
			t.Fatalf("%s: %d choices", name, len(cs))
		}
		for _, sel := range append([]string{"", "nosuch"}, cs[0].Value, cs[len(cs)-1].Value) {
			want := render(t, tpl, name, data{sel, counties, States, Categories, Sources})
			if got := string(choicesHTML(cs, sel)); got != want {
				t.Fatalf("%s selected %q:\n got %q\nwant %q", name, sel, got, want)
			}
			if sel == cs[0].Value && strings.Count(want, " selected") != 1 {
				t.Fatalf("%s: %s", name, want)
			}
		}
	}
	if got := string(choicesHTML(listStates, "closed")); !strings.Contains(got, `<option value="closed" selected>已办结销号</option>`) ||
		!strings.Contains(got, `<option value="handling">处理中</option>`) {
		t.Fatalf("states: %s", got)
	}
	if got := string(choicesHTML(listCategories, "garbage")); !strings.Contains(got, `<option value="garbage" selected>`) {
		t.Fatalf("categories: %s", got)
	}
	if len(listCounties) < 30 {
		t.Fatalf("%d counties", len(listCounties))
	}
}
