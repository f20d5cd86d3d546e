package river_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/auth"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// addUser creates a user with an API token in the test environment.
func (e *env) addUser(name, display, regionCode, roles string) *auth.User {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.a.Deps.Auth.Create(ctx, auth.NewUser{Username: name, DisplayName: display, Password: pw, Region: regionCode, Roles: roles})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.a.Deps.Auth.CreateToken(ctx, u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[name] = tok
	full, err := e.a.Deps.Auth.GetByName(ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return full
}

type measureJSON struct {
	ID       int64  `json:"id"`
	RiverID  string `json:"river_id"`
	Region   string `json:"region"`
	Progress int    `json:"progress"`
	Deadline string `json:"deadline"`
	Overdue  bool   `json:"overdue"`
}

func TestMeasuresAndOutfallsStore(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		cd := mustUser(t, e, "cd-office")
		p := 30
		x, err := e.m.AddMeasure(ctx, cd, river.MeasureInput{RiverID: "jinjiang", Region: "510116", Task: "水污染防治", Measure: "黄龙溪上游排口整治",
			Target: "黄龙溪断面稳定达到Ⅲ类", Unit: "双流区水务局", Deadline: "2026-06-30", Progress: &p})
		if err != nil {
			t.Fatal(err)
		}
		// testNow is 2026-11-20: the deadline is over and the measure is not done
		if x.Progress != 30 || !x.Overdue || x.Region != "510116" || x.UpdatedBy != "成都市河长办" {
			t.Fatalf("measure %+v", x)
		}
		done := 100
		x, err = e.m.UpdateProgress(ctx, cd, x.ID, river.ProgressInput{Progress: &done, Note: "排口已封堵"})
		if err != nil || x.Progress != 100 || x.Overdue || x.ProgressNote != "排口已封堵" || x.Deadline != "2026-06-30" {
			t.Fatalf("progress %+v %v", x, err)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND object_type = 'measure' AND action IN ('create', 'progress')"); n != 2 {
			t.Fatalf("measure audit rows %d", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'measure' AND detail LIKE '%30% → 100%'"); n != 1 {
			t.Fatalf("progress audit detail missing")
		}

		o, err := e.m.SaveOutfall(ctx, cd, 0, river.OutfallInput{Code: "PW-T-1", Name: "双流某污水处理厂排污口", RiverID: "jinjiang", ReachID: e.cdReach,
			Kind: "municipal", Permit: "91510116ma62x0001p001p", Location: "黄龙溪镇上游 2 公里左岸"})
		if err != nil {
			t.Fatal(err)
		}
		// the region comes from the reach, the permit is upper-cased, the status defaults to 在用
		if o.Region != "510100" || o.Permit != "91510116MA62X0001P001P" || o.Status != river.OutfallActive || o.ReachName != "锦江测试段" || o.KindName != "城镇污水处理厂排污口" {
			t.Fatalf("outfall %+v", o)
		}
		in := river.OutfallInput{Code: "PW-T-1", Name: o.Name, RiverID: "jinjiang", ReachID: e.cdReach, Kind: "municipal", Permit: o.Permit, Status: "fixing", Region: "510116"}
		o2, err := e.m.SaveOutfall(ctx, cd, o.ID, in)
		if err != nil || o2.Status != river.OutfallFixing || o2.Region != "510116" || o2.ID != o.ID {
			t.Fatalf("update %+v %v", o2, err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_outfalls"); n != 1 {
			t.Fatalf("outfalls %d", n)
		}
		// a second outfall with the same code is refused, naming the field
		_, err = e.m.SaveOutfall(ctx, cd, 0, river.OutfallInput{Code: "PW-T-1", Name: "另一个", RiverID: "jinjiang", Kind: "other", Region: "510116"})
		var fe *auth.FieldError
		if !asField(err, &fe) || fe.Field != "code" || !strings.Contains(fe.Message, "已被其他排污口使用") {
			t.Fatalf("duplicate code: %v", err)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'outfall'"); n != 2 {
			t.Fatalf("outfall audit rows %d", n)
		}
		// the river list counts what is stored
		sums, err := e.m.RiverSummaries(ctx, db, "岷江", "")
		if err != nil {
			t.Fatal(err)
		}
		var jj river.RiverSummary
		for _, s := range sums {
			if s.Basin != "岷江" {
				t.Fatalf("basin filter let %s (%s) through", s.Name, s.Basin)
			}
			if s.ID == "jinjiang" {
				jj = s
			}
		}
		if jj.Outfalls != 1 || jj.Measures != 1 || jj.Reaches != 1 || jj.Sections != 1 {
			t.Fatalf("锦江 summary %+v", jj)
		}
		res, err := e.m.RiverSummaries(ctx, db, "", "reservoir")
		if err != nil || len(res) != 6 || res[0].Name != "紫坪铺水库" {
			t.Fatalf("reservoirs %d %v", len(res), err)
		}
	})
}

func asField(err error, fe **auth.FieldError) bool {
	f, ok := err.(*auth.FieldError)
	if ok {
		*fe = f
	}
	return ok
}

func TestArchiveAPIScopeAndBadInput(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("ms-office", "眉山市河长办", "511400", "river:riveroffice")
		var x measureJSON
		if st := e.api("cd-office", "POST", "/api/v1/river/measures", map[string]any{"river_id": "jinjiang", "region": "510100", "task": "水域岸线管理",
			"measure": "锦江成都段“四乱”清理", "target": "“四乱”动态清零", "unit": "成都市水务局", "deadline": "2027-06-30", "progress": 20}, &x); st != http.StatusCreated {
			t.Fatalf("create measure: %d", st)
		}
		// 眉山's office may not touch 成都's measure (锦江 crosses both cities)
		var ae apiErr
		if st := e.api("ms-office", "PUT", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), map[string]any{"progress": 90}, &ae); st != http.StatusForbidden || ae.Error.Code != "out_of_scope" {
			t.Fatalf("眉山 edits 成都: %d %+v", st, ae)
		}
		// nor create one for 成都
		if st := e.api("ms-office", "POST", "/api/v1/river/measures", map[string]any{"river_id": "jinjiang", "region": "510116", "task": "执法监管",
			"measure": "m", "target": "t", "unit": "u", "deadline": "2027-01-01"}, &ae); st != http.StatusForbidden {
			t.Fatalf("眉山 creates for 成都: %d", st)
		}
		// but for its own part of the river it may
		if st := e.api("ms-office", "POST", "/api/v1/river/measures", map[string]any{"river_id": "jinjiang", "region": "511403", "task": "执法监管",
			"measure": "彭山段联合执法", "target": "非法采砂清零", "unit": "彭山区水务局", "deadline": "2027-01-01"}, &ae); st != http.StatusCreated {
			t.Fatalf("眉山 creates for 彭山: %d %+v", st, ae)
		}
		// a chief is not the 河长办
		if st := e.api("cd-chief", "PUT", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), map[string]any{"progress": 90}, &ae); st != http.StatusForbidden || ae.Error.Code != "forbidden" {
			t.Fatalf("chief edits measure: %d", st)
		}
		bad := []struct {
			name       string
			method     string
			path       string
			body       map[string]any
			field, msg string
		}{
			{"progress over 100", "PUT", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), map[string]any{"progress": 120}, "progress", "不在 0–100 之间"},
			{"progress missing", "PUT", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), map[string]any{"progress_note": "x"}, "progress", "请填写完成进度"},
			{"bad deadline", "PUT", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), map[string]any{"progress": 50, "deadline": "2027-02-30"}, "deadline", "不是有效日期"},
			{"progress as text", "PUT", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), map[string]any{"progress": "五十"}, "progress", "类型不对"},
			{"unknown task", "POST", "/api/v1/river/measures", map[string]any{"river_id": "jinjiang", "region": "510100", "task": "美化", "measure": "m", "target": "t", "unit": "u", "deadline": "2027-01-01"}, "task", "请选择任务类别"},
			{"region off the river", "POST", "/api/v1/river/measures", map[string]any{"river_id": "jinjiang", "region": "510600", "task": "执法监管", "measure": "m", "target": "t", "unit": "u", "deadline": "2027-01-01"}, "region", "不在锦江流经的市内"},
			{"unknown river", "POST", "/api/v1/river/measures", map[string]any{"river_id": "huanghe", "region": "510100", "task": "执法监管", "measure": "m", "target": "t", "unit": "u", "deadline": "2027-01-01"}, "river_id", "不在一河一档中"},
			{"no name", "POST", "/api/v1/river/outfalls", map[string]any{"code": "PW-X", "name": " ", "river_id": "jinjiang", "region": "510116", "kind": "industrial"}, "name", "请填写排污口名称"},
			{"permit with spaces", "POST", "/api/v1/river/outfalls", map[string]any{"code": "PW-X", "name": "某厂排口", "river_id": "jinjiang", "region": "510116", "kind": "industrial", "permit": "915101 16"}, "permit", "只能由字母、数字"},
			{"unknown kind", "POST", "/api/v1/river/outfalls", map[string]any{"code": "PW-X", "name": "排口", "river_id": "jinjiang", "region": "510116", "kind": "toilet"}, "kind", "请选择排污口类型"},
			{"point outside the cities", "POST", "/api/v1/river/outfalls", map[string]any{"code": "PW-X", "name": "排口", "river_id": "jinjiang", "region": "510116", "kind": "other", "lat": 39.9, "lon": 116.4}, "lat", "不在成都、德阳、眉山、资阳范围内"},
			{"reach of another river", "POST", "/api/v1/river/outfalls", map[string]any{"code": "PW-X", "name": "排口", "river_id": "jinjiang", "reach_id": e.dyReach, "region": "510116", "kind": "other"}, "reach_id", "不在该河流上"},
		}
		for _, c := range bad {
			var ae apiErr
			st := e.api("cd-office", c.method, c.path, c.body, &ae)
			if st != http.StatusBadRequest || ae.Error.Field != c.field || !strings.Contains(ae.Error.Message, c.msg) {
				t.Errorf("%s: %d %+v", c.name, st, ae.Error)
			}
		}
		// nothing stored or changed by the refused requests
		var got struct {
			Items []measureJSON `json:"items"`
		}
		e.api("cd-office", "GET", "/api/v1/river/measures?river=jinjiang", nil, &got)
		if len(got.Items) != 2 {
			t.Fatalf("measures %d", len(got.Items))
		}
		for _, it := range got.Items {
			if it.ID == x.ID && (it.Progress != 20 || it.Deadline != "2027-06-30") {
				t.Fatalf("refused updates changed the measure: %+v", it)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_outfalls"); n != 0 {
			t.Fatalf("refused outfalls stored: %d", n)
		}
		// the office's update goes through and is audited
		if st := e.api("cd-office", "PUT", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), map[string]any{"progress": 60, "progress_note": "已清理 12 处"}, &x); st != 200 || x.Progress != 60 {
			t.Fatalf("update: %d %+v", st, x)
		}
		// outfalls: 眉山 may not change a 成都 outfall
		var o struct {
			ID     int64  `json:"id"`
			Region string `json:"region"`
		}
		if st := e.api("cd-office", "POST", "/api/v1/river/outfalls", map[string]any{"code": "PW-CD-1", "name": "雨洪排口", "river_id": "jinjiang", "region": "510116", "kind": "other"}, &o); st != http.StatusCreated {
			t.Fatalf("create outfall %d", st)
		}
		if st := e.api("ms-office", "PUT", fmt.Sprintf("/api/v1/river/outfalls/%d", o.ID), map[string]any{"code": "PW-CD-1", "name": "雨洪排口", "river_id": "jinjiang", "region": "511403", "kind": "other", "status": "closed"}, &ae); st != http.StatusForbidden {
			t.Fatalf("眉山 moves a 成都 outfall: %d", st)
		}
		if n := e.count("SELECT COUNT(*) FROM river_outfalls WHERE region = '510116' AND status = 'active'"); n != 1 {
			t.Fatal("the refused outfall update changed the row")
		}
		// delete: refused across the border, done and audited at home
		if st := e.api("ms-office", "DELETE", fmt.Sprintf("/api/v1/river/outfalls/%d", o.ID), nil, &ae); st != http.StatusForbidden {
			t.Fatalf("眉山 deletes a 成都 outfall: %d", st)
		}
		if st := e.api("ms-office", "DELETE", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), nil, &ae); st != http.StatusForbidden {
			t.Fatalf("眉山 deletes a 成都 measure: %d", st)
		}
		if st := e.api("cd-office", "DELETE", fmt.Sprintf("/api/v1/river/outfalls/%d", o.ID), nil, nil); st != http.StatusNoContent {
			t.Fatalf("delete outfall: %d", st)
		}
		if st := e.api("cd-office", "DELETE", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), nil, nil); st != http.StatusNoContent {
			t.Fatalf("delete measure: %d", st)
		}
		if st := e.api("cd-office", "DELETE", fmt.Sprintf("/api/v1/river/measures/%d", x.ID), nil, &ae); st != http.StatusNotFound {
			t.Fatalf("delete a deleted measure: %d", st)
		}
		if n := e.count("SELECT COUNT(*) FROM river_outfalls") + e.count("SELECT COUNT(*) FROM river_measures WHERE id = ?", x.ID); n != 0 {
			t.Fatalf("%d rows left after delete", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND module = 'river' AND (detail LIKE '删除排污口 PW-CD-1%' OR detail LIKE '删除一河一策措施%进度 60%')"); n != 2 {
			t.Fatalf("delete audit rows %d", n)
		}
	})
}

// TestChiefChain builds a five-level chain by hand (省 → 成都市 → 金堂县 → 赵镇 →
// a village) and reads it up from the village chief and down from the city chief.
func TestChiefChain(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		mk := func(name string, l river.Level, reg, place string, parent int64) *river.ChiefInfo {
			c := &river.ChiefInfo{Name: name, Level: l, Region: reg, Place: place, ParentID: parent, Title: "测试"}
			if err := e.m.RegisterChief(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		p := mk("省河长", river.LevelProvince, "510000", "", 0)
		c := mk("市河长", river.LevelCity, "510100", "", p.ID)
		k := mk("县河长", river.LevelCounty, "510121", "", c.ID)
		tw := mk("镇河长", river.LevelTownship, "510121", "赵镇街道", k.ID)
		v := mk("村河长", river.LevelVillage, "510121", "赵镇街道三星村", tw.ID)
		v2 := mk("村河长二", river.LevelVillage, "510121", "赵镇街道五星村", tw.ID)
		k2 := mk("新都县级河长", river.LevelCounty, "510114", "", c.ID)
		// siblings come in region order: 新都区 510114 before 金堂县 510121
		// a parent that is not higher is refused
		err := e.m.RegisterChief(ctx, &river.ChiefInfo{Name: "错", Level: river.LevelCounty, Region: "510121", ParentID: v.ID})
		var fe *auth.FieldError
		if !asField(err, &fe) || fe.Field != "parent_id" {
			t.Fatalf("lower parent accepted: %v", err)
		}
		var up struct {
			Chief struct {
				Name  string `json:"name"`
				Place string `json:"place"`
			} `json:"chief"`
			Chain []struct {
				ID    int64 `json:"id"`
				Level int   `json:"level"`
			} `json:"chain"`
		}
		if st := e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/chiefs/%d", v.ID), nil, &up); st != 200 {
			t.Fatalf("chief api %d", st)
		}
		want := []int64{tw.ID, k.ID, c.ID, p.ID}
		if len(up.Chain) != 4 || up.Chief.Place != "赵镇街道三星村" {
			t.Fatalf("chain %+v", up)
		}
		for i, w := range want {
			if up.Chain[i].ID != w || up.Chain[i].Level != 4-i {
				t.Fatalf("chain[%d] = %+v, want id %d level %d", i, up.Chain[i], w, 4-i)
			}
		}
		var tree struct {
			TreeSize int `json:"tree_size"`
			Tree     struct {
				ID   int64 `json:"id"`
				Kids []struct {
					ID   int64 `json:"id"`
					Kids []struct {
						ID   int64 `json:"id"`
						Kids []struct {
							ID int64 `json:"id"`
						} `json:"children_nodes"`
					} `json:"children_nodes"`
				} `json:"children_nodes"`
			} `json:"tree"`
		}
		e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/chiefs/%d/tree", c.ID), nil, &tree)
		if tree.TreeSize != 6 || tree.Tree.ID != c.ID || len(tree.Tree.Kids) != 2 || tree.Tree.Kids[0].ID != k2.ID || tree.Tree.Kids[1].ID != k.ID {
			t.Fatalf("tree %+v", tree)
		}
		if tw0 := tree.Tree.Kids[1].Kids; len(tw0) != 1 || tw0[0].ID != tw.ID || len(tw0[0].Kids) != 2 || tw0[0].Kids[0].ID != v.ID || tw0[0].Kids[1].ID != v2.ID {
			t.Fatalf("township branch %+v", tree.Tree.Kids[1])
		}
		// the page: chain from the top down, and the collapsible tree
		cl := e.login("cd-office")
		resp, body := cl.Get(fmt.Sprintf("/river/chiefs/%d", v.ID))
		if resp.StatusCode != 200 || !strings.Contains(body, "省河长") || strings.Index(body, "省河长") > strings.Index(body, "镇河长") {
			t.Fatalf("village chief page %d", resp.StatusCode)
		}
		resp, body = cl.Get(fmt.Sprintf("/river/chiefs/%d", c.ID))
		treePart := body[max(strings.Index(body, `id="tree"`), 0):]
		if resp.StatusCode != 200 || strings.Count(treePart, "<details") != 3 || !strings.Contains(body, "村河长二") {
			t.Fatalf("city chief tree page %d, %d details in the tree", resp.StatusCode, strings.Count(treePart, "<details"))
		}
	})
}

// TestLinkChiefs: the parents the demo gives, worked out by hand for 13 chiefs.
func TestLinkChiefs(t *testing.T) {
	list := []river.ChiefLink{
		{ID: 1, Level: river.LevelProvince, Region: "510000"}, {ID: 2, Level: river.LevelProvince, Region: "510000"},
		{ID: 3, Level: river.LevelCity, Region: "510100"}, {ID: 4, Level: river.LevelCity, Region: "510600"},
		{ID: 5, Level: river.LevelCounty, Region: "510121"}, {ID: 6, Level: river.LevelCounty, Region: "510121"},
		{ID: 7, Level: river.LevelTownship, Region: "510121"}, {ID: 8, Level: river.LevelTownship, Region: "510121"},
		{ID: 9, Level: river.LevelVillage, Region: "510121"}, {ID: 10, Level: river.LevelVillage, Region: "510121"},
		{ID: 11, Level: river.LevelVillage, Region: "510121"},
		{ID: 12, Level: river.LevelTownship, Region: "510603"}, // 旌阳区 has no county chief: the 德阳 city chief
		{ID: 13, Level: river.LevelVillage, Region: "511402"},  // 东坡区: no 乡、县、市 chief: a provincial chief
	}
	// given out of order: the result depends on the rows, not on their order
	shuffled := []river.ChiefLink{list[12], list[3], list[8], list[0], list[5], list[10], list[1], list[7], list[2], list[11], list[4], list[9], list[6]}
	river.LinkChiefs(shuffled)
	want := map[int64]int64{1: 0, 2: 0, 3: 1, 4: 2, 5: 3, 6: 3, 7: 5, 8: 6, 9: 7, 10: 8, 11: 7, 12: 4, 13: 1}
	for _, c := range shuffled {
		if c.Parent != want[c.ID] {
			t.Errorf("chief %d: parent %d, want %d", c.ID, c.Parent, want[c.ID])
		}
	}
}

func TestArchivePages(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		atlas, _ := river.LoadAtlas()
		waters, _ := river.LoadWaters()
		c := e.login("cd-office")
		resp, body := c.Get("/river/rivers")
		if resp.StatusCode != 200 || !strings.Contains(body, "岷江") || !strings.Contains(body, "紫坪铺水库") ||
			!strings.Contains(body, fmt.Sprintf(`id="river-count">%d<`, len(atlas.Rivers)+len(waters.Rivers))) {
			t.Fatalf("river list %d: %s", resp.StatusCode, body[strings.Index(body, "共 "):][:200])
		}
		resp, body = c.Get("/river/rivers?basin=" + url.QueryEscape("沱江") + "&kind=reservoir")
		if resp.StatusCode != 200 || !strings.Contains(body, "三岔湖") || strings.Contains(body, "紫坪铺水库") {
			t.Fatalf("filtered list %d", resp.StatusCode)
		}
		resp, body = c.Get("/river/rivers/jinjiang")
		if resp.StatusCode != 200 || !strings.Contains(body, "锦江测试段") || !strings.Contains(body, "测试断面") || !strings.Contains(body, "/river/board/T-CD-1") {
			t.Fatalf("river page %d", resp.StatusCode)
		}
		// the county filter keeps a reach shared with the region (沱江 德阳–成都 border reach, owned by 德阳)
		resp, body = c.Get("/river/rivers/tuojiang?region=510100")
		if resp.StatusCode != 200 || !strings.Contains(body, "沱江德阳成都交界段") || !strings.Contains(body, "1 个河段") {
			t.Fatalf("region filter %d", resp.StatusCode)
		}
		if resp, body = c.Get("/river/rivers/tuojiang?region=999999"); resp.StatusCode != 400 || !strings.Contains(body, "区县代码“999999”无效") {
			t.Fatalf("bad region filter %d", resp.StatusCode)
		}
		if resp, _ = c.Get("/river/rivers/nosuch"); resp.StatusCode != 404 {
			t.Fatalf("unknown river %d", resp.StatusCode)
		}
		// the office adds a measure from the form; a bad progress shows the message and keeps the input
		resp, body = c.PostForm("/river/measures", url.Values{"csrf": {c.CSRF}, "river_id": {"jinjiang"}, "region": {"510116"}, "task": {"水生态修复"},
			"measure": {"建设生态缓冲带"}, "target": {"新增5公里"}, "unit": {"双流区水务局"}, "deadline": {"2027-03-31"}, "progress": {"150"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "不在 0–100 之间") || !strings.Contains(body, "建设生态缓冲带") {
			t.Fatalf("bad progress form %d", resp.StatusCode)
		}
		resp, body = c.PostForm("/river/measures", url.Values{"csrf": {c.CSRF}, "river_id": {"jinjiang"}, "region": {"510116"}, "task": {"水生态修复"},
			"measure": {"建设生态缓冲带"}, "target": {"新增5公里"}, "unit": {"双流区水务局"}, "deadline": {"2027-03-31"}, "progress": {"10"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "措施已保存") || !strings.Contains(body, "建设生态缓冲带") {
			t.Fatalf("measure form %d", resp.StatusCode)
		}
		// 眉山's office gets a refusal from the progress form of a 成都 measure, and the row stays
		var mid int64
		if err := db.QueryRow(context.Background(), "SELECT id FROM river_measures WHERE measure = '建设生态缓冲带'").Scan(&mid); err != nil {
			t.Fatal(err)
		}
		e.addUser("ms-office", "眉山市河长办", "511400", "river:riveroffice")
		ms := e.login("ms-office")
		resp, body = ms.Get(fmt.Sprintf("/river/measures/%d", mid))
		if resp.StatusCode != 403 || !strings.Contains(body, "本辖区以外") {
			t.Fatalf("眉山 opens a 成都 measure: %d", resp.StatusCode)
		}
		resp, _ = ms.PostForm(fmt.Sprintf("/river/measures/%d", mid), url.Values{"csrf": {ms.CSRF}, "progress": {"100"}})
		if resp.StatusCode != 403 || e.count("SELECT COUNT(*) FROM river_measures WHERE id = ? AND progress = 10", mid) != 1 {
			t.Fatalf("眉山 posts progress on a 成都 measure: %d", resp.StatusCode)
		}
		// the 成都 office's form goes through
		resp, body = c.PostForm(fmt.Sprintf("/river/measures/%d", mid), url.Values{"csrf": {c.CSRF}, "progress": {"45"}, "progress_note": {"完成 2 公里"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "进度已更新") || e.count("SELECT COUNT(*) FROM river_measures WHERE id = ? AND progress = 45", mid) != 1 {
			t.Fatalf("progress form: %d", resp.StatusCode)
		}
		resp, body = c.PostForm("/river/outfalls", url.Values{"csrf": {c.CSRF}, "river_id": {"jinjiang"}, "region": {"510116"}, "code": {"PW-F-1"},
			"name": {"表单排口"}, "kind": {"industrial"}, "status": {"active"}, "permit": {"许可证123"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "只能由字母、数字") || !strings.Contains(body, "表单排口") {
			t.Fatalf("outfall form without permit %d", resp.StatusCode)
		}
		// the refused form comes back with the kind chosen, offered by its code (the value the server reads)
		if !strings.Contains(body, `<option value="industrial" selected>工业排污口</option>`) || !strings.Contains(body, `<option value="municipal">`) || !strings.Contains(body, `<option value="active" selected>在用</option>`) {
			t.Fatalf("outfall form's kinds are not offered by code: %s", body)
		}
		// the 公示牌 is public and links to the public report page
		pub := e.client()
		resp, body = pub.Get("/river/board/T-CD-1")
		if resp.StatusCode != 200 || !strings.Contains(body, "028-12345") || !strings.Contains(body, `href="/river/public/T-CD-1"`) || !strings.Contains(body, "巡河护河") {
			t.Fatalf("board %d", resp.StatusCode)
		}
		resp, body = c.Get("/river/chiefs?region=")
		if resp.StatusCode != 200 || !strings.Contains(body, "张河长") {
			t.Fatalf("chief list %d", resp.StatusCode)
		}
		if resp, _ = c.Get("/river/offices"); resp.StatusCode != 200 {
			t.Fatalf("offices %d", resp.StatusCode)
		}
	})
}
