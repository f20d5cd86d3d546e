package river

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// PatrolInput is a patrol (巡河) as a chief records it on the phone page.
type PatrolInput struct {
	ReachID int64 `json:"reach_id"`
	// ReachCode is the reach by its 公示牌 code, for one the list does not offer; it wins over ReachID.
	ReachCode string `json:"reach_code"`
	Start     string `json:"start"` // "2006-01-02T15:04" (Asia/Shanghai)
	End       string `json:"end"`
	Track     string `json:"track"` // one "lat,lng" per line, in walking order
	Seen      string `json:"seen"`  // 巡河情况
	// Problems found on the patrol (巡河发现问题), reported on the reach with it.
	Problems []PatrolProblemInput `json:"problems"`
	// Photos are the checked 巡河照片, stored with the patrol.
	Photos []Upload `json:"-"`
}

// patrolProblemSlots is how many problems found the phone page offers at least.
const patrolProblemSlots = 3

// patrolProblemsFromForm reads the page's problems found: the fields problem_category,
// problem_severity and problem_description repeat once per problem; a problem with
// neither a category nor a description is an unused slot.
func patrolProblemsFromForm(r *http.Request) []PatrolProblemInput {
	cats, sevs, descs := r.Form["problem_category"], r.Form["problem_severity"], r.Form["problem_description"]
	at := func(l []string, i int) string {
		if i < len(l) {
			return strings.TrimSpace(l[i])
		}
		return ""
	}
	var out []PatrolProblemInput
	for i := 0; i < max(len(cats), len(descs)); i++ {
		f := PatrolProblemInput{Category: at(cats, i), Severity: at(sevs, i), Description: at(descs, i)}
		if f.Category != "" || f.Description != "" {
			out = append(out, f)
		}
	}
	return out
}

func parseLocal(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(l, s, shanghai); err == nil {
			return t.UTC(), nil
		}
	}
	name := map[string]string{"start": "开始时间", "end": "结束时间"}[field]
	return time.Time{}, &auth.FieldError{Field: field, Message: name + "格式不正确，请填写“2006-01-02 15:04”格式"}
}

// parseTrack reads "lat,lng" lines; the points' times are spread evenly from start to end.
func parseTrack(s string, start, end time.Time) ([]TrackPoint, error) {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	pts := make([]TrackPoint, 0, len(lines))
	for i, l := range lines {
		parts := strings.FieldsFunc(l, func(r rune) bool { return r == ',' || r == '，' || r == ' ' })
		if len(parts) != 2 {
			return nil, &auth.FieldError{Field: "track", Message: fmt.Sprintf("轨迹第%d行“%s”格式不对，每行填写“纬度,经度”", i+1, l)}
		}
		lat, e1 := strconv.ParseFloat(parts[0], 64)
		lon, e2 := strconv.ParseFloat(parts[1], 64)
		if e1 != nil || e2 != nil {
			return nil, &auth.FieldError{Field: "track", Message: fmt.Sprintf("轨迹第%d行“%s”不是数字，每行填写“纬度,经度”", i+1, l)}
		}
		at := start
		if len(lines) > 1 {
			at = start.Add(time.Duration(int64(end.Sub(start)) * int64(i) / int64(len(lines)-1)))
		}
		pts = append(pts, TrackPoint{Lat: lat, Lon: lon, At: at})
	}
	return pts, nil
}

// RecordPatrol validates a patrol with the engine and stores it for the user's chief record.
// The same patrol recorded again (same reach, start and end) is not stored twice; its id comes back.
func (m *Module) RecordPatrol(ctx context.Context, u *auth.User, in PatrolInput) (int64, error) {
	id, _, err := m.savePatrol(ctx, u, patrolRecord{ReachID: in.ReachID, ReachCode: strings.TrimSpace(in.ReachCode), Seen: in.Seen, Problems: in.Problems, Photos: in.Photos, read: func() (start, end time.Time, track []TrackPoint, text string, err error) {
		if start, err = parseLocal("start", in.Start); err != nil {
			return
		}
		if end, err = parseLocal("end", in.End); err != nil {
			return
		}
		track, err = parseTrack(in.Track, start, end)
		return start, end, track, strings.TrimSpace(in.Track), err
	}})
	return id, err
}

// complianceUnits sums the chiefs' compliance by city and by county (a chief of a
// county, township or village counts for his county and its city; a city's own chief for
// the city; the province's for neither), as the assessment counts 巡河达标率.
func complianceUnits(rows []complianceRow) (cities, counties []UnitCompliance) {
	var inCity, inCounty []Compliance
	for _, c := range rows {
		r, ok := region.Get(c.Region)
		if !ok || r.Level == region.Province {
			continue
		}
		inCity = append(inCity, c.Compliance)
		if r.Level == region.County {
			inCounty = append(inCounty, c.Compliance)
		}
	}
	return UnitsCompliance(inCity, region.CityOf), UnitsCompliance(inCounty, func(s string) string { return s })
}

// complianceRow is a chief's patrol compliance for the page.
type complianceRow struct {
	Compliance
	Name string
}

// compliance computes the last 30 days' compliance of the chiefs in scope (at most 500).
func (m *Module) compliance(ctx context.Context, scope string, now time.Time) ([]complianceRow, error) {
	from := now.AddDate(0, 0, -30)
	// the chiefs in office for some of the 30 days (one who left office during them is
	// held to the days before)
	rows, err := m.d.DB.Query(ctx, "SELECT id, name, level, region, retired_at FROM river_chiefs WHERE region LIKE ? AND (retired_at = '' OR retired_at > ?) ORDER BY level, id LIMIT 500",
		scopePrefix(scope)+"%", store.Time(from))
	if err != nil {
		return nil, err
	}
	var chiefs []Chief
	names := map[string]string{}
	for rows.Next() {
		var id int64
		var c Chief
		var lvl int
		var retired string
		if err := rows.Scan(&id, &c.Name, &lvl, &c.Region, &retired); err != nil {
			rows.Close()
			return nil, err
		}
		c.ID, c.Level, c.Retired = strconv.FormatInt(id, 10), Level(lvl), s2t(retired)
		names[c.ID] = c.Name
		chiefs = append(chiefs, c)
	}
	rows.Close()
	if len(chiefs) == 0 {
		return nil, nil
	}
	prow, err := m.d.DB.Query(ctx, "SELECT chief_id, reach_id, started_at, ended_at FROM river_patrols WHERE started_at >= ? AND region LIKE ?", store.Time(from), scopePrefix(scope)+"%")
	if err != nil {
		return nil, err
	}
	defer prow.Close()
	var patrols []Patrol
	for prow.Next() {
		var c, r int64
		var a, b string
		if err := prow.Scan(&c, &r, &a, &b); err != nil {
			return nil, err
		}
		patrols = append(patrols, Patrol{ChiefID: strconv.FormatInt(c, 10), ReachID: strconv.FormatInt(r, 10), Start: s2t(a), End: s2t(b)})
	}
	if err := prow.Err(); err != nil {
		return nil, err
	}
	var out []complianceRow
	for _, c := range m.Patrols.Compliance(chiefs, patrols, from, now) {
		out = append(out, complianceRow{Compliance: c, Name: names[c.ChiefID]})
	}
	return out, nil
}

type patrolData struct {
	Reaches    []Reach
	Compliance []complianceRow
	// Cities and Counties are the compliance summed by unit.
	Cities, Counties []UnitCompliance
	In               PatrolInput
	Error            string
	Saved            bool
	SavedID          int64
	// Found are the problem slots of the form: those entered, then empty ones.
	Found      []PatrolProblemInput
	Categories []Category
	Severities []Severity
	MaxPhotos  int
	// Recent are the latest patrols in the user's region, each linking to its page.
	Recent []*PatrolOut
}

func (m *Module) patrolPage(w http.ResponseWriter, r *http.Request) {
	m.renderPatrol(w, r, http.StatusOK, PatrolInput{}, "", r.URL.Query().Get("saved") == "1")
}

// patrolViewPage shows one patrol: reach, times, track, what was seen, the problems
// found and the 巡河照片 (thumbnails linking to the photos).
func (m *Module) patrolViewPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看巡河记录")
		return
	}
	m.renderPatrolView(w, r, http.StatusOK, "")
}

// patrolViewData is the patrol page: the patrol, and the 补传照片 form for those who may
// add photos (Room: how many more the patrol takes).
type patrolViewData struct {
	*PatrolOut
	CanUpload bool
	Room      int
	Error     string
}

func (m *Module) renderPatrolView(w http.ResponseWriter, r *http.Request, status int, msg string) {
	u := web.User(r)
	id, err := problemID(r)
	var p *PatrolOut
	if err == nil {
		p, err = m.patrol(r.Context(), u, id)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	d := patrolViewData{PatrolOut: p, Room: MaxPhotos - len(p.Photos), Error: msg}
	d.CanUpload = patrolPhotoRight(r.Context(), m.d.DB, u, p.ChiefID, p.Region) == nil
	m.d.Web.Render(w, r, status, "river/patrol_view.html", "巡河记录 "+p.ReachName, d)
}

// patrolPhotosForm adds 巡河照片 to a recorded patrol from its page; a refusal shows the
// page again with the message, nothing stored.
func (m *Module) patrolPhotosForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "补传巡河照片")
		return
	}
	id, err := problemID(r)
	var ups []Upload
	if err == nil {
		ups, err = patrolPhotosFromForm(r)
	}
	if err == nil {
		_, err = m.AddPatrolPhotos(r.Context(), u, id, ups)
	}
	if err != nil {
		if he := web.Classify(err); he.Field == "photos" && he.Code != "out_of_scope" {
			m.renderPatrolView(w, r, he.Status, he.Message)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/river/patrols/%d", id), http.StatusSeeOther)
}

func (m *Module) renderPatrol(w http.ResponseWriter, r *http.Request, status int, in PatrolInput, msg string, saved bool) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看巡河")
		return
	}
	reaches, err := formReaches(r.Context(), m.d.DB, u, 500)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	comp, err := m.compliance(r.Context(), u.Region, m.Now())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	recent, err := listPatrols(r.Context(), m.d.DB, PatrolFilter{Scope: u.Region, Limit: 10})
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	found := append([]PatrolProblemInput(nil), in.Problems...)
	for len(found) < patrolProblemSlots {
		found = append(found, PatrolProblemInput{})
	}
	savedID, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	cities, counties := complianceUnits(comp)
	m.d.Web.Render(w, r, status, "river/patrol.html", "巡河记录", patrolData{Reaches: reaches, Compliance: comp, Cities: cities, Counties: counties, In: in, Error: msg, Saved: saved, SavedID: savedID,
		Found: found, Categories: Categories, Severities: patrolSeverities, MaxPhotos: MaxPhotos, Recent: recent})
}

func (m *Module) patrolForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	ups, err := patrolPhotosFromForm(r)
	reach, _ := strconv.ParseInt(r.FormValue("reach_id"), 10, 64)
	in := PatrolInput{ReachID: reach, ReachCode: r.FormValue("reach_code"), Start: r.FormValue("start"), End: r.FormValue("end"), Track: r.FormValue("track"), Seen: r.FormValue("seen"),
		Problems: patrolProblemsFromForm(r), Photos: ups}
	var id int64
	if err == nil {
		id, err = m.RecordPatrol(r.Context(), u, in)
	}
	if err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest {
			m.renderPatrol(w, r, he.Status, in, he.Message, false)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/river/patrol?saved=1&id=%d", id), http.StatusSeeOther)
}

// patrolSeverities are the 严重程度 the phone page offers for a problem found, lightest first.
var patrolSeverities = Severities
