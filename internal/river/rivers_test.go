package river

import (
	"reflect"
	"strings"
	"testing"

	"tongcheng/internal/region"
)

func atlas(t *testing.T) *Atlas {
	t.Helper()
	a, err := LoadAtlas()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func names(rs []*RiverInfo) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestTuojiangFlowsDeyangChengduZiyang(t *testing.T) {
	a := atlas(t)
	tj := a.River("沱江")
	if tj == nil || tj.Basin != "沱江" || tj.LengthKm != 634.7 {
		t.Fatalf("%+v", tj)
	}
	if !reflect.DeepEqual(tj.Cities(), []string{"510600", "510100", "512000"}) {
		t.Fatalf("沱江 cities %v", tj.Cities())
	}
	if !tj.FlowsFrom("510600", "510100") || !tj.FlowsFrom("510100", "512000") || !tj.FlowsFrom("510600", "512000") {
		t.Error("沱江 flows 德阳 → 成都 → 资阳")
	}
	if tj.FlowsFrom("512000", "510100") || tj.FlowsFrom("510100", "511400") {
		t.Error("沱江 does not flow 资阳 → 成都 nor into 眉山")
	}
	if got := names(a.Tributaries("tuojiang")); !reflect.DeepEqual(got, []string{"绵远河", "石亭江", "湔江", "青白江", "毗河", "绛溪河", "球溪河"}) {
		t.Errorf("沱江 tributaries %v", got)
	}
}

func TestMinjiangAndJinjiang(t *testing.T) {
	a := atlas(t)
	mj := a.River("minjiang")
	if !mj.FlowsFrom("510100", "511400") || mj.FlowsFrom("511400", "510100") || mj.LengthKm != 711 {
		t.Error("岷江 flows 成都 → 眉山")
	}
	jj := a.River("府南河")
	if jj == nil || jj.Name != "锦江" || jj.LengthKm != 97.3 || jj.Parent != "minjiang" || !jj.FlowsFrom("510100", "511400") {
		t.Fatalf("锦江 %+v", jj)
	}
	if a.River("府河") != jj || a.River("鸭子河") != a.River("湔江") {
		t.Error("aliases")
	}
	if a.River("釜溪河") != nil {
		t.Error("釜溪河 does not cross the four cities")
	}
	// 湔江 leaves 成都 for 德阳 and comes back.
	if jjg := a.River("湔江"); !jjg.FlowsFrom("510100", "510600") || !jjg.FlowsFrom("510600", "510100") || !reflect.DeepEqual(jjg.Cities(), []string{"510100", "510600"}) {
		t.Error("湔江 course")
	}
}

func TestSectionsAndTargets(t *testing.T) {
	a := atlas(t)
	var got []string
	for _, s := range a.SectionsOf("minjiang") {
		got = append(got, s.Name)
	}
	if !reflect.DeepEqual(got, []string{"岳店子下", "悦来渡口"}) {
		t.Fatalf("岷江 sections %v", got)
	}
	yl := a.SectionsOf("minjiang")[1]
	if yl.Target != ClassIII || yl.Kind != SectionHandover || yl.From.Code != "511400" || yl.To.Name != "乐山市" {
		t.Errorf("悦来渡口 %+v", yl)
	}
	for _, s := range a.Sections {
		if s.Target != 0 && s.Name != "悦来渡口" {
			t.Errorf("%s has a target class no source gives", s.Name)
		}
	}
	hl := a.SectionsOf("jinjiang")
	if len(hl) != 1 || hl[0].Name != "黄龙溪" || hl[0].Kind != SectionHandover || hl[0].Region != "510116" || hl[0].From.Code != "510100" || hl[0].To.Code != "511400" || len(hl[0].Unverified) != 0 {
		t.Errorf("锦江 sections %+v", hl)
	}
	if got := names(a.Tributaries("jinjiang")); !reflect.DeepEqual(got, []string{"南河", "江安河"}) {
		t.Errorf("锦江 tributaries %v", got)
	}
	gc := a.SectionsOf("tuojiang")
	if len(gc) != 4 || gc[0].Name != "三皇庙" || gc[0].Region != "510121" {
		t.Errorf("沱江 sections %+v", gc)
	}
	// 拱城铺 lies east of 资阳城 (《巴蜀史志》2022-6) and is a 雁江区 section on 沱江
	// (中新网四川 2023-10-30): a 资阳 section below the 简阳—雁江 line, not the 成都 → 资阳
	// hand-over once recalled; only one source puts it on 沱江.
	if gp := gc[3]; gp.Name != "拱城铺" || gp.Kind != SectionMonitoring || gp.Region != "512002" || gp.From != nil || gp.To != nil ||
		!reflect.DeepEqual(gp.Unverified, []string{"river"}) || !strings.Contains(gp.Sources["region"], "scsqw.cn") {
		t.Errorf("拱城铺 %+v", gp)
	}
	// 岳店子下 is in 新津 (the station table and the 岳店子 old town on 金马河); that it is the
	// 成都 → 眉山 hand-over is still not found
	if yd := a.SectionsOf("minjiang")[0]; yd.Region != "510118" || !reflect.DeepEqual(yd.Unverified, []string{"handover"}) || !strings.Contains(yd.Sources["region"], "43b.com.cn") {
		t.Errorf("岳店子下 %+v", yd)
	}
}

func TestInRegionAndBasin(t *testing.T) {
	a := atlas(t)
	// 球溪河 is a 资阳 river too: 内江、资阳、眉山 signed its cross-boundary agreement (swbd.cn 2022-12-06)
	if got := names(a.InRegion("512000")); !reflect.DeepEqual(got, []string{"沱江", "球溪河", "琼江"}) {
		t.Errorf("资阳 %v", got)
	}
	if got := names(a.InRegion("510121")); !reflect.DeepEqual(got, []string{"沱江", "绵远河", "石亭江", "湔江", "青白江", "毗河"}) {
		t.Errorf("金堂 %v", got)
	}
	if got := names(a.InRegion("511421")); !reflect.DeepEqual(got, []string{"越溪河", "球溪河"}) {
		t.Errorf("仁寿 %v", got)
	}
	if got := len(a.Basin("岷江")); got != 9 {
		t.Errorf("岷江 basin has %d rivers", got)
	}
	if got := len(a.InRegion("510000")); got != len(a.Rivers) {
		t.Errorf("the province holds all %d rivers, got %d", len(a.Rivers), got)
	}
}

func TestEveryFactHasASource(t *testing.T) {
	a := atlas(t)
	if !strings.Contains(a.Source, "GB/T 2260") {
		t.Error("atlas source")
	}
	for _, r := range a.Rivers {
		if len(r.Sources) == 0 || r.Sources["course"] == "" {
			t.Errorf("%s has no course source", r.Name)
		}
	}
	// 绛溪河: where it runs (简阳) is found in two sources, where it flows into is not
	if jx := a.River("绛溪河"); !jx.Verified("course") || !jx.Verified("counties") || jx.Verified("parent") || jx.Verified("basin") ||
		!strings.Contains(jx.Sources["counties"], "嘉庆重修一统志") || !a.River("沱江").Verified("course") {
		t.Errorf("绛溪河 course and county verified, parent and basin not; 沱江 verified: %+v", jx.Unverified)
	}
}

// TestQingyijiangAndQiuxihe: 青衣江 runs 雅安 → 眉山（洪雅）→ 乐山 and enters 大渡河 at
// 乐山草鞋渡, not 岷江 (地名辞典“青衣江”条 and the 洪雅 essay, both cited), so it has
// no parent among the four cities' rivers but stays in the 岷江 basin. 球溪河 runs
// 仁寿（眉山）… 资中（内江） and 资阳 shares it (the three cities' agreement); where 资阳's
// reach lies is not found, so its course stays unverified.
func TestQingyijiangAndQiuxihe(t *testing.T) {
	a := atlas(t)
	q := a.River("青衣江")
	if q.Parent != "" || q.Basin != "岷江" || !q.Verified("course") || len(q.Unverified) != 0 ||
		!strings.Contains(q.Sources["course"], "kanshici.com") || !strings.Contains(q.Sources["course"], "gvccw.com") {
		t.Fatalf("青衣江 %+v", q)
	}
	if !reflect.DeepEqual(q.Cities(), []string{"511400"}) || !strings.Contains(q.Notes, "大渡河") {
		t.Errorf("青衣江 crosses 眉山 only among the four cities: %v", q.Cities())
	}
	for _, r := range a.Tributaries("minjiang") {
		if r.Name == "青衣江" {
			t.Error("青衣江 flows into 大渡河, not 岷江")
		}
	}
	k := a.River("球溪河")
	if !reflect.DeepEqual(k.Cities(), []string{"511400", "512000"}) || k.Verified("course") || !strings.Contains(k.Sources["course"], "swbd.cn") {
		t.Errorf("球溪河 %v %v", k.Cities(), k.Unverified)
	}
	if k.FlowsFrom("512000", "511400") || !k.FlowsFrom("511400", "512000") {
		t.Error("球溪河 rises in 仁寿 (眉山)")
	}
}

func TestParseAtlasRejectsBadData(t *testing.T) {
	for in, want := range map[string]string{
		`{"rivers":[{"id":"a","name":"甲河","kind":"river","basin":"沱江","course":[{"code":"510100","name":"成都市"}],"sources":{"basin":"x"}}]}`:                                        "“甲河”的“course”没有注明来源",
		`{"rivers":[{"id":"a","name":"甲河","kind":"river","course":[{"code":"990100","name":"某市"}],"sources":{"course":"x"}}]}`:                                                     "河流“甲河”流经地区代码“990100”不是成德眉资的行政区划代码",
		`{"rivers":[{"id":"a","name":"甲河","kind":"river","course":[{"code":"510100","name":"成都市"}],"counties":["512002"],"sources":{"course":"x","counties":"x"}}]}`:               "河流“甲河”的县级代码“512002”未知或不在其流经的市内",
		`{"rivers":[{"id":"a","name":"甲河","kind":"river","parent":"b","course":[],"sources":{"parent":"x"}}]}`:                                                                     "河流“甲河”汇入的河流“b”不在参考数据中",
		`{"rivers":[{"id":"a","name":"甲河","kind":"sea","sources":{}}]}`:                                                                                                            "河流“甲河”的水体类型“sea”未知",
		`{"rivers":[{"id":"a","name":"甲河","kind":"river","sources":{}}],"sections":[{"id":"s","name":"甲断面","river":"a","kind":"handover","sources":{"river":"x"}}]}`:               "交接断面“甲断面”须写明上游和下游地区",
		`{"rivers":[{"id":"a","name":"甲河","kind":"river","sources":{}}],"sections":[{"id":"s","name":"甲断面","river":"a","kind":"national","target":"劣Ⅴ","sources":{"river":"x"}}]}`: "断面“甲断面”的目标水质类别“劣Ⅴ”无效",
		`{"rivers":[{"id":"a","name":"甲河","kind":"river","sources":{}}],"sections":[{"id":"s","name":"甲断面","river":"z","kind":"national","sources":{"river":"x"}}]}`:               "断面“甲断面”所在河流“z”不在参考数据中",
	} {
		if _, err := ParseAtlas([]byte(in)); err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}

func regionChildren(code string) []string {
	var out []string
	for _, r := range region.Children(code) {
		out = append(out, r.Code)
	}
	return out
}
