package river

import (
	"strings"
	"testing"
	"time"
)

// The template markup archiverows.go replaced, kept here as the reference it is held to.
const (
	reachRowsTemplate = `{{range .}}<tr><td><a href="/river/reaches/{{.Code}}">{{.Name}}</a></td><td>{{regionName .Region}}{{if .Region2}}、{{regionName .Region2}}{{end}}</td>
<td>{{if .ChiefID}}<a href="/river/chiefs/{{.ChiefID}}">{{.ChiefName}}</a>（{{.ChiefLevelName}}）{{else}}<span class="muted">未设</span>{{end}}</td>
<td><a href="/river/board/{{.Code}}">{{.Code}}</a></td></tr>
{{else}}<tr><td colspan="4" class="muted">尚未划分河段。</td></tr>{{end}}`
	chiefTreeTemplate = `{{define "chieftree"}}<li>{{if .Kids}}<details{{if lt .Depth 2}} open{{end}}><summary><a href="/river/chiefs/{{.ID}}">{{.Name}}</a> <span class="tag">{{.LevelName}}</span> <span class="muted">{{.Where}}{{if .Title}} · {{.Title}}{{end}} · 下级 {{.Children}}</span></summary>
<ul class="tree">{{range .Kids}}{{template "chieftree" .}}{{end}}</ul></details>{{else}}<a href="/river/chiefs/{{.ID}}">{{.Name}}</a> <span class="tag">{{.LevelName}}</span> <span class="muted">{{.Where}}{{if .Title}} · {{.Title}}{{end}}</span>{{if .Children}} <a href="/river/chiefs/{{.ID}}#tree">下级 {{.Children}} 名 ›</a>{{end}}{{end}}</li>{{end}}` +
		`{{define "ref"}}{{template "chieftree" .}}{{end}}`
)

// odd is text a user or an import may put in a name, a post or a 公示牌 code: markup,
// quotes, ampersands, plus signs, spaces, percent signs (a valid escape and a bare one),
// reserved URL characters and Chinese.
const odd = `沱江<b>"x&y"</b> 'a'+b %41 %zz /?#=@:;,!$*[] 段`

// TestReachRowsAsTemplate: the river page's reach rows written in Go are, byte for byte,
// what the template wrote: escaped names, codes in links percent-encoded as html/template
// does, a reach of two cities, a reach without a chief, and no reach at all.
func TestReachRowsAsTemplate(t *testing.T) {
	r := func(id int64, code, name, reg, reg2 string, chief int64, chiefName, lvl string) ReachRow {
		x := ReachRow{Reach: Reach{ID: id, Code: code, Name: name, Region: reg, Region2: reg2, ChiefID: chief, ChiefName: chiefName}, ChiefLevelName: lvl}
		return x
	}
	list := []ReachRow{
		r(1, "tuojiang-510100", "沱江成都段", "510100", "", 17, "张河长", "市级"),
		r(2, odd, odd, "510121", "510681", 18, odd, odd),
		r(3, "T-JT-1", "毗河", "510121", "", 0, "", ""),
		r(4, "", "", "519999", "", 5, "", ""),
		r(5, "代码 中文", "无名", "", "", 0, "", ""),
	}
	tpl := referenceTemplate(t, reachRowsTemplate, time.Now())
	for _, l := range [][]ReachRow{list, nil} {
		want := render(t, tpl, "ref", l)
		if got := string(reachRowsHTML(l)); got != want {
			t.Fatalf("rows differ from the template:\n got %q\nwant %q", got, want)
		}
	}
	if got := string(reachRowsHTML(list[1:2])); !strings.Contains(got, `href="/river/reaches/%e6%b2%b1%e6%b1%9f%3cb%3e%22x&amp;y%22%3c/b%3e%20%27a%27&#43;b%20%41%20%25zz%20/?#=@:;,!$*[]%20%e6%ae%b5"`) ||
		!strings.Contains(got, "沱江&lt;b&gt;&#34;x&amp;y&#34;&lt;/b&gt; &#39;a&#39;&#43;b") || !strings.Contains(got, "、") {
		t.Fatalf("row %s", got)
	}
}

// TestChiefTreeAsTemplate: the 河长关系树 written in Go is, byte for byte, what the
// recursive template wrote: open details for the first two levels, closed below, a leaf
// with subordinates not drawn (a link to them) and one without, posts and places, and
// escaped text.
func TestChiefTreeAsTemplate(t *testing.T) {
	node := func(id int64, name string, lvl Level, reg, place, title string, depth int, children int64, kids ...*TreeNode) *TreeNode {
		return &TreeNode{ChiefInfo: ChiefInfo{ID: id, Name: name, Level: lvl, LevelName: lvl.String(), Region: reg, Place: place, Title: title, Children: children}, Depth: depth, Kids: kids}
	}
	tree := node(1, "省河长", LevelProvince, "510000", "", "副省长", 0, 2,
		node(2, "成都河长", LevelCity, "510100", "", "市长", 1, 3,
			node(4, "金堂河长", LevelCounty, "510121", "", "", 2, 2,
				node(6, odd, LevelTownship, "510121", odd, odd, 3, 0),
				node(7, "村河长", LevelVillage, "510121", "赵镇新村", "", 3, 4)),
			node(5, "郫都河长", LevelCounty, "510124", "", "区长", 2, 7)),
		node(3, "德阳河长", LevelCity, "510600", "", "", 1, 0))
	tpl := referenceTemplate(t, chiefTreeTemplate, time.Now())
	for _, n := range []*TreeNode{tree, tree.Kids[0].Kids[0], tree.Kids[1], node(9, "", Level(0), "", "", "", 0, 0)} {
		want := render(t, tpl, "ref", n)
		if got := string(chiefTreeHTML(n)); got != want {
			t.Fatalf("tree differs from the template:\n got %q\nwant %q", got, want)
		}
	}
	got := string(chiefTreeHTML(tree))
	if strings.Count(got, "<details open>") != 2 || strings.Count(got, "<details>") != 1 || !strings.Contains(got, `<a href="/river/chiefs/5#tree">下级 7 名 ›</a>`) ||
		!strings.Contains(got, "&lt;b&gt;&#34;x&amp;y&#34;&lt;/b&gt;") {
		t.Fatalf("tree %s", got)
	}
}
