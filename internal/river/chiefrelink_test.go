package river_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/audit"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestChiefRelink: 李 (county, 金堂县) retires without a successor for the chiefs below,
// leaving 赵 and 钱 (township) under a retired chief. The 河长办 sees them as 待重新挂接
// (API and roster, only in its region), cannot put them under a retired chief, a chief of
// the same level, a chief of another county or a chief below them, and puts 赵 under 孙
// (county, in office) by the API and 钱 under 张 (city, a level skipped) from the page;
// each leaves the list, shows in its new superior's tree and is audited.
func TestChiefRelink(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		zhang := e.chiefID("张河长")
		reg := e.registerChief
		li := reg("李河长", 3, "510121", "", zhang)
		wang := reg("王河长", 3, "510104", "", zhang)
		sun := reg("孙河长", 3, "510121", "", zhang)
		zhao := reg("赵河长", 4, "510121", "赵镇", li)
		qian := reg("钱河长", 4, "510121", "钱镇", li)
		var res struct{ Relinked, Unlinked int }
		if st := e.api("cd-office", "POST", fmt.Sprintf("/api/v1/river/chiefs/%d/retire", li), map[string]any{"reason": "换届", "date": "2026-11-18"}, &res); st != 200 || res.Unlinked != 2 || res.Relinked != 0 {
			t.Fatalf("retire 李: %d %+v", st, res)
		}

		type unlinked struct {
			ID         int64  `json:"id"`
			Name       string `json:"name"`
			LevelName  string `json:"level_name"`
			Place      string `json:"place"`
			FormerID   int64  `json:"former_parent_id"`
			FormerName string `json:"former_parent_name"`
			Since      string `json:"since"`
		}
		listed := func(user, region string) []unlinked {
			t.Helper()
			var out struct {
				Total int
				Items []unlinked
			}
			if st := e.api(user, "GET", "/api/v1/river/chiefs?status=unlinked&region="+region, nil, &out); st != 200 || out.Total != len(out.Items) {
				t.Fatalf("unlinked in %s: %d %+v", region, st, out)
			}
			return out.Items
		}
		got := listed("cd-office", "510100")
		if len(got) != 2 || got[0].ID != zhao || got[1].ID != qian || got[0].FormerID != li || got[0].FormerName != "李河长" || got[0].Since != "2026-11-18" ||
			got[0].LevelName != "乡级" || got[0].Place != "赵镇" {
			t.Fatalf("unlinked chiefs of 成都: %+v", got)
		}
		if got := listed("dy-office", "510600"); len(got) != 0 {
			t.Fatalf("unlinked chiefs of 德阳: %+v", got)
		}
		// counted nowhere wrong: not in 张's tree (李 retired), still in the roster in office
		treeOf := func(id int64) (size int, kids []int64) {
			t.Helper()
			var f struct {
				TreeSize int `json:"tree_size"`
				Tree     struct {
					Kids []struct{ ID int64 } `json:"children_nodes"`
				}
			}
			if st := e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/chiefs/%d/tree", id), nil, &f); st != 200 {
				t.Fatalf("tree of %d: %d", id, st)
			}
			for _, k := range f.Tree.Kids {
				kids = append(kids, k.ID)
			}
			return f.TreeSize, kids
		}
		if n, kids := treeOf(zhang); n != 3 || fmt.Sprint(kids) != fmt.Sprint([]int64{wang, sun}) {
			t.Fatalf("张's tree before relinking: %d %v", n, kids)
		}
		c := e.login("cd-office")
		resp, body := c.Get("/river/chiefs?region=510100")
		if resp.StatusCode != 200 || !strings.Contains(body, "待重新挂接的河长（2 名）") || !strings.Contains(body, fmt.Sprintf(`<a href="/river/chiefs/%d#parent">赵河长</a></td><td>乡级</td><td>成都市金堂县赵镇</td><td><a href="/river/chiefs/%d">李河长</a>（县级）</td><td>2026-11-18</td>`, zhao, li)) {
			t.Fatalf("roster for the 成都 office: %d", resp.StatusCode)
		}
		if _, body := e.login("dy-office").Get("/river/chiefs?region=510100"); strings.Contains(body, "待重新挂接") {
			t.Fatal("the 德阳 office sees 成都's unlinked chiefs")
		}
		// the chief page says so and offers the in-office chiefs above in its region
		resp, body = c.Get(fmt.Sprintf("/river/chiefs/%d", zhao))
		if resp.StatusCode != 200 || !strings.Contains(body, `id="unlinked-note"`) || !strings.Contains(body, fmt.Sprintf(`<option value="%d">孙河长（县级`, sun)) ||
			!strings.Contains(body, fmt.Sprintf(`<option value="%d">张河长（市级`, zhang)) || strings.Contains(body, fmt.Sprintf(`<option value="%d">王河长`, wang)) ||
			strings.Contains(body, fmt.Sprintf(`<option value="%d">李河长`, li)) {
			t.Fatalf("赵's page: %d", resp.StatusCode)
		}

		// refusals: nothing changes
		prov := river.ChiefRow{Name: "省河长", Level: river.LevelProvince, Region: "510000"}
		if err := e.m.AddChief(t.Context(), &prov); err != nil {
			t.Fatal(err)
		}
		var provID int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_chiefs WHERE name = '省河长'").Scan(&provID); err != nil {
			t.Fatal(err)
		}
		// a register kept before the levels were checked: the province chief linked below 张
		if _, err := db.Exec(t.Context(), "UPDATE river_chiefs SET parent_id = ? WHERE id = ?", zhang, provID); err != nil {
			t.Fatal(err)
		}
		for _, b := range []struct {
			user       string
			id, parent int64
			st         int
			field, msg string
		}{
			{"cd-office", zhao, 0, 400, "parent_id", "请选择新的上级河长"},
			{"cd-office", zhao, 999999, 400, "parent_id", "上级河长不存在"},
			{"cd-office", zhao, li, 400, "parent_id", "上级河长 李河长 已于 2026-11-18 卸任，请选择在任的河长"},
			{"cd-office", zhao, qian, 400, "parent_id", "上级河长的层级须高于本河长：钱河长 是乡级河长"},
			{"cd-office", zhao, zhao, 400, "parent_id", "上级河长不能是本河长自己"},
			{"cd-office", zhao, wang, 400, "parent_id", "上级河长 王河长 属成都市锦江区，本河长属成都市金堂县，不在其辖区内"},
			{"cd-office", zhang, provID, 400, "parent_id", "河长 省河长 在本河长之下，挂接后关系树会成环"},
			{"dy-office", zhao, sun, 403, "", ""},
			{"cd-chief", zhao, sun, 403, "", ""},
			{"cd-office", li, sun, 409, "", "已于 2026-11-18 卸任，不再挂接上级河长"},
		} {
			var ae apiErr
			if st := e.api(b.user, "PUT", fmt.Sprintf("/api/v1/river/chiefs/%d/parent", b.id), map[string]any{"parent_id": b.parent}, &ae); st != b.st || ae.Error.Field != b.field || !strings.Contains(ae.Error.Message, b.msg) || ae.Error.Message == "" {
				t.Fatalf("%s: %d → %d: %d %+v, want %d on %q with %q", b.user, b.id, b.parent, st, ae.Error, b.st, b.field, b.msg)
			}
		}
		if e.count("SELECT COUNT(*) FROM river_chiefs WHERE parent_id = ? AND id IN (?, ?)", li, zhao, qian) != 2 || e.count("SELECT COUNT(*) FROM river_chiefs WHERE id = ? AND parent_id = 0", zhang) != 1 {
			t.Fatal("a refused relinking changed a superior")
		}
		if n := e.AuditCount(audit.Filter{Module: "river", Action: "relink"}); n != 0 {
			t.Fatalf("refusals audited: %d", n)
		}
		if _, err := db.Exec(t.Context(), "UPDATE river_chiefs SET parent_id = 0 WHERE id = ?", provID); err != nil {
			t.Fatal(err)
		}

		// 赵 under 孙 by the API
		var out struct {
			ID       int64 `json:"id"`
			ParentID int64 `json:"parent_id"`
		}
		if st := e.api("cd-office", "PUT", fmt.Sprintf("/api/v1/river/chiefs/%d/parent", zhao), map[string]any{"parent_id": sun}, &out); st != 200 || out.ID != zhao || out.ParentID != sun {
			t.Fatalf("relink 赵: %d %+v", st, out)
		}
		if got := listed("cd-office", "510100"); len(got) != 1 || got[0].ID != qian {
			t.Fatalf("unlinked after relinking 赵: %+v", got)
		}
		if n, kids := treeOf(sun); n != 2 || fmt.Sprint(kids) != fmt.Sprint([]int64{zhao}) {
			t.Fatalf("孙's tree: %d %v", n, kids)
		}
		if n, _ := treeOf(zhang); n != 4 {
			t.Fatalf("张's tree after relinking 赵: %d, want 4", n)
		}
		list, err := audit.List(t.Context(), db, audit.Filter{Module: "river", Action: "relink", ObjectID: fmt.Sprint(zhao)})
		if err != nil || len(list) != 1 || list[0].Detail != "乡级 赵河长 的上级河长由 李河长（2026-11-18 已卸任） 改为 县级 孙河长" || list[0].Region != "510121" {
			t.Fatalf("relink audit: %v %+v", err, list)
		}

		// 钱 under 张 (a level skipped) from the page; a refusal comes back on the page
		page := fmt.Sprintf("/river/chiefs/%d", qian)
		resp, body = c.PostForm(page+"/parent", url.Values{"csrf": {c.CSRF}, "parent_id": {itoa(li)}})
		if resp.StatusCode != 400 || !strings.Contains(body, `id="parent-error"`) || !strings.Contains(body, "上级河长 李河长 已于 2026-11-18 卸任") {
			t.Fatalf("relink to a retired chief on the page: %d", resp.StatusCode)
		}
		resp, body = c.PostForm(page+"/parent", url.Values{"csrf": {c.CSRF}, "parent_id": {itoa(zhang)}})
		if resp.StatusCode != 200 || !strings.Contains(body, "已把 钱河长 挂接到新的上级河长") || strings.Contains(body, `id="unlinked-note"`) {
			t.Fatalf("relink from the page: %d", resp.StatusCode)
		}
		if got := listed("cd-office", "510100"); len(got) != 0 {
			t.Fatalf("unlinked after relinking 钱: %+v", got)
		}
		if n, kids := treeOf(zhang); n != 5 || fmt.Sprint(kids) != fmt.Sprint([]int64{wang, sun, qian}) {
			t.Fatalf("张's tree after relinking 钱: %d %v", n, kids)
		}
		if _, body := c.Get("/river/chiefs?region=510100"); strings.Contains(body, "待重新挂接") {
			t.Fatal("the roster still lists chiefs to relink")
		}
		if n := e.AuditCount(audit.Filter{Module: "river", Action: "relink"}); n != 2 {
			t.Fatalf("relink audit entries: %d, want 2", n)
		}
	})
}
