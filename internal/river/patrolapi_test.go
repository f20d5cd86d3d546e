package river_test

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/auth"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

type patrolOut struct {
	ID         int64   `json:"id"`
	ChiefID    int64   `json:"chief_id"`
	ChiefName  string  `json:"chief_name"`
	ReachID    int64   `json:"reach_id"`
	ReachCode  string  `json:"reach_code"`
	Region     string  `json:"region"`
	Start      string  `json:"start"`
	End        string  `json:"end"`
	Km         float64 `json:"km"`
	Points     int     `json:"points"`
	Seen       string  `json:"seen"`
	ProblemIDs []int64 `json:"problem_ids"`
	Problems   []struct {
		No, State    string
		CategoryName string `json:"category_name"`
	} `json:"problems"`
	Track []struct {
		Lat, Lon float64
		At       string
	} `json:"track"`
}

// patrolEnv adds a 德阳 chief with a platform account (dy-chief) and a 成都 county chief
// without one; it gives the ids of 张 (成都, cd-chief), the 德阳 chief and the county chief.
func patrolEnv(t *testing.T, db *store.DB) (e *env, zhang, dyChief, county int64) {
	e = newEnv(t, db)
	e.AddUsers(auth.NewUser{Username: "dy-chief", DisplayName: "德阳河长", Password: pw, Region: "510600", Roles: "river:chief"})
	dy := &river.ChiefRow{Name: "赵河长", Level: river.LevelCity, Region: "510600", UserID: e.Users["dy-chief"].ID}
	cn := &river.ChiefRow{Name: "钱河长", Level: river.LevelCounty, Region: "510121"}
	for _, c := range []*river.ChiefRow{dy, cn} {
		if err := e.m.AddChief(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	return e, e.chiefID("张河长"), dy.ID, cn.ID
}

// A chief's app records a patrol by JSON through the page's checks and store: the row,
// the track with its GPS times, the audit entry; a city's system records for a chief of
// its region; what the page stored reads back through the API.
func TestPatrolAPIRecord(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, zhang, _, county := patrolEnv(t, db)
		body := map[string]any{"reach_id": e.cdReach, "start": "2026-11-20T08:00:00+08:00", "end": "2026-11-20 09:00", "seen": " 河面整洁，岸边两处问题 ",
			"problems": []map[string]any{{"category": "garbage", "description": "右岸堆放生活垃圾", "lat": 30.655, "lon": 104.065}, {"category": "sewage", "severity": "serious", "description": "雨水口有污水流出"}},
			"track":    []map[string]any{{"lat": 30.65, "lon": 104.06, "at": "2026-11-20T08:00:00+08:00"}, {"lat": 30.66, "lon": 104.07, "at": "2026-11-20T00:40:00Z"}}}
		var p patrolOut
		if st := e.api("cd-chief", "POST", "/api/v1/river/patrols", body, &p); st != http.StatusCreated {
			t.Fatalf("record: %d %+v", st, p)
		}
		var chief, reach int64
		var region, start, end, track, seen string
		var km float64
		var points int
		if err := db.QueryRow(t.Context(), "SELECT chief_id, reach_id, region, started_at, ended_at, km, points, track, seen FROM river_patrols WHERE id = ?", p.ID).
			Scan(&chief, &reach, &region, &start, &end, &km, &points, &track, &seen); err != nil {
			t.Fatal(err)
		}
		wantKm := river.Haversine(30.65, 104.06, 30.66, 104.07)
		if chief != zhang || reach != e.cdReach || region != "510100" || start != store.Time(testNow.Add(-2*3600e9)) || end != store.Time(testNow.Add(-3600e9)) ||
			math.Abs(km-wantKm) > 1e-9 || points != 2 || track != "30.65,104.06,2026-11-20T00:00:00Z\n30.66,104.07,2026-11-20T00:40:00Z" || seen != "河面整洁，岸边两处问题" {
			t.Fatalf("stored patrol: chief %d reach %d %s %s–%s %.3f km %d points %q %q", chief, reach, region, start, end, km, points, track, seen)
		}
		if p.ChiefName != "张河长" || p.ReachCode != "T-CD-1" || len(p.Track) != 2 || p.Track[1].At != "2026-11-20T00:40:00Z" || p.Start != "2026-11-20T00:00:00Z" {
			t.Fatalf("answer %+v", p)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND action = 'create' AND object_type = 'patrol' AND object_id = ? AND detail LIKE '%发现问题 2 个'", itoa(p.ID)); n != 1 {
			t.Fatalf("audit entries %d", n)
		}
		// the problems found are 巡河 problems on the reach, kept on the patrol
		if len(p.Problems) != 2 || len(p.ProblemIDs) != 2 || p.Problems[0].State != "reported" || p.Problems[1].CategoryName != "排污" || p.Problems[0].No == "" {
			t.Fatalf("problems found %+v", p.Problems)
		}
		if e.count(`SELECT COUNT(*) FROM river_problems WHERE id = ? AND source = 'patrol' AND reach_id = ? AND category = 'garbage' AND description = '右岸堆放生活垃圾' AND lat = 30.655 AND state = 'reported'`, p.ProblemIDs[0], e.cdReach) != 1 ||
			e.count(`SELECT COUNT(*) FROM river_problems WHERE id = ? AND source = 'patrol' AND severity = 'serious' AND region = '510100'`, p.ProblemIDs[1]) != 1 ||
			e.count("SELECT COUNT(*) FROM river_patrols WHERE id = ? AND problems = ?", p.ID, fmt.Sprintf("%d,%d", p.ProblemIDs[0], p.ProblemIDs[1])) != 1 {
			t.Fatal("problems found not stored with the patrol")
		}

		// the 河长办 records for a chief of its region by reach code; points without times
		// are spread from start to end as on the page
		var q struct {
			patrolOut
			Error any
		}
		if st := e.api("cd-office", "POST", "/api/v1/river/patrols", map[string]any{"chief_id": county, "reach_code": "T-TJ-1", "start": "2026-11-19 14:00", "end": "2026-11-19 15:00",
			"track": []map[string]any{{"lat": 30.8, "lon": 104.5}, {"lat": 30.81, "lon": 104.5}, {"lat": 30.82, "lon": 104.5}}}, &q); st != http.StatusCreated {
			t.Fatalf("office record: %d %+v", st, q)
		}
		if e.count("SELECT COUNT(*) FROM river_patrols WHERE id = ? AND chief_id = ? AND reach_id = ? AND region = '510600' AND points = 3 AND track = ?", q.ID, county, e.sharedReach,
			"30.8,104.5\n30.81,104.5\n30.82,104.5") != 1 {
			t.Fatal("office patrol not stored as sent")
		}
		if len(q.Track) != 3 || q.Track[1].At != "2026-11-19T06:30:00Z" {
			t.Fatalf("spread track %+v", q.Track)
		}

		// a city's system (an 归集员 token of 成都) records for the county chief too
		e.AddUsers(auth.NewUser{Username: "cd-system", DisplayName: "成都市河长制系统", Password: pw, Region: "510100", Roles: "river:collector"})
		var sys patrolOut
		if st := e.api("cd-system", "POST", "/api/v1/river/patrols", map[string]any{"chief_id": county, "reach_id": e.cdReach, "start": "2026-11-20 06:00", "end": "2026-11-20 06:30"}, &sys); st != 201 ||
			e.count("SELECT COUNT(*) FROM river_patrols WHERE id = ? AND chief_id = ? AND points = 0 AND track = ''", sys.ID, county) != 1 {
			t.Fatalf("system record: %d %+v", st, sys)
		}

		// a reach on the city border: both cities' offices list and read its patrols
		for _, user := range []string{"cd-office", "dy-office"} {
			var l struct{ Items []patrolOut }
			var one patrolOut
			if e.api(user, "GET", "/api/v1/river/patrols?reach=T-TJ-1", nil, &l); len(l.Items) != 1 || l.Items[0].ID != q.ID ||
				e.api(user, "GET", fmt.Sprintf("/api/v1/river/patrols/%d", q.ID), nil, &one) != 200 || one.ChiefName != "钱河长" {
				t.Fatalf("%s on the border reach: %+v %+v", user, l, one)
			}
		}

		// a patrol from the phone page is read by the API
		c := e.login("cd-chief")
		c.Get("/river/patrol")
		if resp, _ := c.PostForm("/river/patrols", url.Values{"csrf": {c.CSRF}, "reach_id": {itoa(e.cdReach)}, "start": {"2026-11-18T07:00"}, "end": {"2026-11-18T08:00"},
			"track": {"30.650,104.060\n30.655,104.065"}, "seen": {"岸边有少量垃圾"}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("page patrol: %d", resp.StatusCode)
		}
		var list struct {
			Items []patrolOut `json:"items"`
			Next  int64       `json:"next"`
		}
		// the latest start first: the app's patrol of the 20th, then the page's of the 18th
		if st := e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/patrols?chief_id=%d", zhang), nil, &list); st != 200 || len(list.Items) != 2 ||
			list.Items[1].Seen != "岸边有少量垃圾" || list.Items[1].Start != "2026-11-17T23:00:00Z" || list.Items[0].ID != p.ID || list.Items[1].Track != nil {
			t.Fatalf("list by chief: %d %+v", st, list)
		}
		var one patrolOut
		if st := e.api("cd-chief", "GET", fmt.Sprintf("/api/v1/river/patrols/%d", list.Items[1].ID), nil, &one); st != 200 || len(one.Track) != 2 ||
			one.Track[0].At != "2026-11-17T23:00:00Z" || one.Track[1].At != "2026-11-18T00:00:00Z" || one.Track[1].Lat != 30.655 {
			t.Fatalf("page patrol read: %d %+v", st, one)
		}
	})
}

// Every refusal names its field in the API's error shape and stores nothing; a 德阳
// token cannot record on a 成都 reach nor for a 成都 chief; a retired chief records nothing.
func TestPatrolAPIRefusals(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, zhang, dyChief, county := patrolEnv(t, db)
		good := func(over map[string]any) map[string]any {
			b := map[string]any{"reach_id": e.cdReach, "start": "2026-11-20 08:00", "end": "2026-11-20 09:00",
				"track": []map[string]any{{"lat": 30.65, "lon": 104.06}, {"lat": 30.66, "lon": 104.07}}}
			for k, v := range over {
				b[k] = v
			}
			return b
		}
		scope := "无权修改本辖区以外的记录：您只能修改本人所属区划及下级区划的数据"
		cases := []struct {
			name, user string
			body       map[string]any
			st         int
			code       string
			field, msg string
		}{
			{"end before start", "cd-chief", good(map[string]any{"start": "2026-11-20 09:00", "end": "2026-11-20 08:00"}), 400, "invalid_field", "end",
				"巡河结束时间2026-11-20 08:00早于开始时间2026-11-20 09:00，请检查"},
			{"end in the future", "cd-chief", good(map[string]any{"end": "2026-11-20T11:00:00+08:00"}), 400, "invalid_field", "end",
				"巡河结束时间2026-11-20 11:00晚于当前时间，请检查手机时间"},
			{"bad start", "cd-chief", good(map[string]any{"start": "20.11.2026"}), 400, "invalid_field", "start",
				"开始时间格式不正确，请填写 RFC 3339 时间（如 2026-11-20T08:00:00+08:00）或北京时间“2006-01-02 15:04”"},
			{"point outside the four cities", "cd-chief", good(map[string]any{"track": []map[string]any{{"lat": 30.65, "lon": 104.06}, {"lat": 39.9, "lon": 116.4}}}), 400, "invalid_field", "track",
				"第2个轨迹点（纬度39.9，经度116.4）不在成都、德阳、眉山、资阳范围内"},
			{"impossible speed", "cd-chief", good(map[string]any{"track": []map[string]any{{"lat": 30.65, "lon": 104.06, "at": "2026-11-20 08:00"}, {"lat": 31.1, "lon": 104.4, "at": "2026-11-20 08:05"}}}),
				400, "invalid_field", "track", "第1个轨迹点与第2个之间速度超过120公里/小时，轨迹点有误"},
			{"point out of order", "cd-chief", good(map[string]any{"track": []map[string]any{{"lat": 30.65, "lon": 104.06, "at": "2026-11-20 08:30"}, {"lat": 30.65, "lon": 104.06, "at": "2026-11-20 08:10"}}}),
				400, "invalid_field", "track", "第2个轨迹点的时间早于第1个，轨迹点须按时间先后排列"},
			{"times on some points only", "cd-chief", good(map[string]any{"track": []map[string]any{{"lat": 30.65, "lon": 104.06, "at": "2026-11-20 08:30"}, {"lat": 30.65, "lon": 104.06}}}),
				400, "invalid_field", "track", "第2个轨迹点没有时间：轨迹点要么都带 at 时间，要么都不带"},
			{"unknown reach", "cd-chief", good(map[string]any{"reach_id": 999999}), 400, "invalid_field", "reach_id", "请选择巡查的河段"},
			{"unknown chief", "cd-office", good(map[string]any{"chief_id": 999999}), 400, "invalid_field", "chief_id", "找不到编号为 999999 的河长，请核对河长编号"},
			{"unknown field", "cd-chief", good(map[string]any{"photos": 1}), 400, "unknown_field", "photos", "未知字段 photos，请对照接口文档 /api/v1/openapi.json"},
			{"problem found without a description", "cd-chief", good(map[string]any{"problems": []map[string]any{{"category": "garbage", "description": "岸边垃圾"}, {"category": "sewage"}}}),
				400, "description_required", "problems[1].description", "第2个问题：请填写问题描述"},
			{"problem found of an unknown category", "cd-chief", good(map[string]any{"problems": []map[string]any{{"category": "nope", "description": "岸边垃圾"}}}),
				400, "bad_category", "problems[0].category", "第1个问题：问题类别“nope”未知，请从乱占、乱采、乱堆、乱建、排污、水质异常、垃圾、岸线、其他中选择"},
			{"德阳 chief on a 成都 reach", "dy-chief", good(nil), 403, "out_of_scope", "", scope},
			{"德阳 office for its chief on a 成都 reach", "dy-office", good(map[string]any{"chief_id": dyChief}), 403, "out_of_scope", "", scope},
			{"德阳 office for a 成都 chief", "dy-office", good(map[string]any{"chief_id": zhang, "reach_id": e.dyReach}), 403, "out_of_scope", "", scope},
			{"chief for another chief", "cd-chief", good(map[string]any{"chief_id": county}), 403, "forbidden", "chief_id",
				"河长只能记录本人的巡河；代河长录入巡河须由河长办或本市系统的接口令牌提交"},
			{"office without a chief", "cd-office", good(nil), 403, "forbidden", "", "只有河长可以记录巡河"},
		}
		for _, c := range cases {
			var ae apiErr
			if st := e.api(c.user, "POST", "/api/v1/river/patrols", c.body, &ae); st != c.st || ae.Error.Code != c.code || ae.Error.Field != c.field || ae.Error.Message != c.msg {
				t.Errorf("%s: %d %+v, want %d %s %q %q", c.name, st, ae.Error, c.st, c.code, c.field, c.msg)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_patrols") + e.count("SELECT COUNT(*) FROM river_problems"); n != 0 {
			t.Fatalf("refused patrols stored %d rows", n)
		}

		// retired chiefs: the county chief (named by the office) and 张 (his own app)
		for _, id := range []int64{county, zhang} {
			if st := e.api("cd-office", "POST", fmt.Sprintf("/api/v1/river/chiefs/%d/retire", id), map[string]any{"reason": "换届"}, nil); st != 200 {
				t.Fatalf("retire %d: %d", id, st)
			}
		}
		for _, c := range []struct{ user, msg string }{
			{"cd-office", "河长“钱河长”已于 2026-11-20 卸任，不能再记录其巡河；请记在现任河长名下"},
			{"cd-chief", "您的河长职务已于 2026-11-20 卸任，不能再记录巡河；如已担任新的河长职务，请联系河长办登记"},
		} {
			body := good(nil)
			if c.user == "cd-office" {
				body["chief_id"] = county
			}
			var ae apiErr
			if st := e.api(c.user, "POST", "/api/v1/river/patrols", body, &ae); st != 403 || ae.Error.Code != "retired" || ae.Error.Field != "chief_id" || ae.Error.Message != c.msg {
				t.Errorf("retired via %s: %d %+v", c.user, st, ae.Error)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_patrols"); n != 0 {
			t.Fatalf("retired chiefs' patrols stored %d rows", n)
		}
	})
}

// Lists and reads are scoped by region like the pages; filters by chief, reach and
// period; the compliance figures are the phone page's.
func TestPatrolAPIListScopeAndCompliance(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, zhang, dyChief, _ := patrolEnv(t, db)
		record := func(user string, chief, reach int64, day string) int64 {
			t.Helper()
			var p patrolOut
			if st := e.api(user, "POST", "/api/v1/river/patrols", map[string]any{"chief_id": chief, "reach_id": reach, "start": day + " 08:00", "end": day + " 09:00",
				"track": []map[string]any{{"lat": 30.65, "lon": 104.06}}}, &p); st != 201 {
				t.Fatalf("record %s %d on %s: %d", user, chief, day, st)
			}
			return p.ID
		}
		a := record("cd-office", zhang, e.cdReach, "2026-11-18")
		b := record("cd-office", zhang, e.cdReach, "2026-10-30")
		d := record("cd-office", zhang, e.cdReach, "2026-11-19") // recorded afterwards, patrolled later than a
		c := record("dy-office", dyChief, e.dyReach, "2026-11-19")
		type list struct {
			Items []patrolOut `json:"items"`
			Next  int64       `json:"next"`
		}
		ids := func(user, query string) []int64 {
			t.Helper()
			var l list
			if st := e.api(user, "GET", "/api/v1/river/patrols"+query, nil, &l); st != 200 {
				t.Fatalf("list %s %s: %d", user, query, st)
			}
			var out []int64
			for _, p := range l.Items {
				out = append(out, p.ID)
			}
			return out
		}
		same := func(got []int64, want ...int64) bool { return fmt.Sprint(got) == fmt.Sprint(want) }
		for _, q := range []struct {
			user, query string
			want        []int64
		}{
			{"cd-office", "", []int64{d, a, b}},
			{"dy-office", "", []int64{c}},
			{"cd-office", "?period=2026-11", []int64{d, a}},
			{"cd-office", "?period=2026-10", []int64{b}},
			{"cd-office", "?period=2026-Q4&reach=T-CD-1", []int64{d, a, b}},
			{"cd-office", fmt.Sprintf("?reach_id=%d", e.dyReach), nil},
			{"cd-office", fmt.Sprintf("?chief_id=%d", dyChief), nil},
			{"dy-office", fmt.Sprintf("?chief_id=%d", dyChief), []int64{c}},
		} {
			// the latest start first
			if got := ids(q.user, q.query); !same(got, q.want...) {
				t.Errorf("%s %q: %v, want %v", q.user, q.query, got, q.want)
			}
		}
		var l list
		if e.api("cd-office", "GET", "/api/v1/river/patrols?limit=2", nil, &l); len(l.Items) != 2 || l.Items[1].ID != a || l.Next != a || !same(ids("cd-office", fmt.Sprintf("?limit=2&before=%d", l.Next)), b) {
			t.Fatalf("paging: %+v", l)
		}
		for _, q := range []struct{ query, field, msg string }{
			{"?period=2026-13", "period", "考核期格式不正确，请填写月份（2026-10）、季度（2026-Q4）或年份（2026）"},
			{"?chief_id=x", "chief_id", "chief_id“x”不是有效的编号，请填写正整数"},
			{"?limit=501", "limit", "limit 须为 1 到 500 之间的整数"},
		} {
			var ae apiErr
			if st := e.api("cd-office", "GET", "/api/v1/river/patrols"+q.query, nil, &ae); st != 400 || ae.Error.Code != "invalid_field" || ae.Error.Field != q.field || ae.Error.Message != q.msg {
				t.Errorf("%s: %d %+v", q.query, st, ae.Error)
			}
		}
		var ae apiErr
		if st := e.api("dy-office", "GET", fmt.Sprintf("/api/v1/river/patrols/%d", a), nil, &ae); st != 403 || ae.Error.Code != "out_of_scope" {
			t.Fatalf("德阳 reads a 成都 patrol: %d %+v", st, ae.Error)
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/patrols/999999", nil, &ae); st != 404 || ae.Error.Code != "not_found" {
			t.Fatalf("unknown patrol: %d %+v", st, ae.Error)
		}

		// compliance over the last 30 days: 张 (市级, 1 a month) patrolled three times
		var comp struct {
			Items []struct {
				ChiefID   string  `json:"chief_id"`
				Name      string  `json:"name"`
				Required  int     `json:"required"`
				Done      int     `json:"done"`
				Rate      float64 `json:"rate"`
				Compliant bool    `json:"compliant"`
			} `json:"items"`
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/patrols/compliance", nil, &comp); st != 200 {
			t.Fatalf("compliance: %d", st)
		}
		got := map[string]string{}
		for _, it := range comp.Items {
			got[it.Name] = fmt.Sprintf("%d/%d %.2f %v", it.Done, it.Required, it.Rate, it.Compliant)
		}
		if len(got) != 2 || got["张河长"] != "3/1 1.00 true" || got["钱河长"] != "0/1 0.00 false" {
			t.Fatalf("成都 compliance %v", got)
		}
		// the page shows the same figures
		c2 := e.login("cd-office")
		if _, body := c2.Get("/river/patrol"); !strings.Contains(body, `<td>张河长</td><td>市级</td><td>成都市</td><td class="num">1</td><td class="num">3</td><td class="num">100.0%</td>`) {
			t.Fatal("the page's compliance differs from the API's")
		}
	})
}
