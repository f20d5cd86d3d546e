package river

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// The patrol (巡河) side of the JSON API: a chief's phone app or a city's system records
// a patrol, lists and reads patrols in its region, and reads the patrol compliance the
// phone page shows. The page (patrolpage.go) and the API store a patrol through
// savePatrol, so both check the same things in the same order.

// patrolRecord is a patrol to check and store: the chief (0: the user's own chief
// record), the reach (by id or by its public code), what was seen, the problems found
// (reported on the reach with the patrol), and read, which parses the times and the
// track as the page or the API sent them and gives the track as it is kept.
type patrolRecord struct {
	ChiefID   int64
	ReachID   int64
	ReachCode string
	Seen      string
	Problems  []PatrolProblemInput
	Photos    []Upload // checked 巡河照片, stored with the patrol
	read      func() (start, end time.Time, track []TrackPoint, text string, err error)
}

// PatrolProblemInput is a problem found on a patrol (巡河发现问题); it is reported on the
// patrol's reach as a 巡河 problem, in the patrol's transaction.
type PatrolProblemInput struct {
	Category    string  `json:"category"`
	Severity    string  `json:"severity"`
	Description string  `json:"description"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
}

// reportFound reports the problems found on a patrol inside its transaction and keeps
// their ids on the patrol; a refused problem names itself (problems[i].field) and
// nothing of the patrol is stored.
func (m *Module) reportFound(ctx context.Context, tx *store.Tx, u *auth.User, reach *Reach, patrolID int64, found []PatrolProblemInput) error {
	if len(found) == 0 {
		return nil
	}
	ids := make([]string, 0, len(found))
	for i, f := range found {
		row, err := m.reportIn(ctx, tx, u, ReportInput{ReachID: reach.ID, Source: string(SourcePatrol), Category: f.Category, Severity: f.Severity,
			Description: f.Description, Lat: f.Lat, Lon: f.Lon})
		if err != nil {
			he := web.Classify(err)
			if he.Status != http.StatusBadRequest {
				return err
			}
			field := fmt.Sprintf("problems[%d]", i)
			if he.Field != "" {
				field += "." + he.Field
			}
			return &web.HTTPError{Status: he.Status, Code: he.Code, Field: field, Message: fmt.Sprintf("第%d个问题：%s", i+1, he.Message)}
		}
		ids = append(ids, strconv.FormatInt(row.RowID, 10))
	}
	_, err := tx.Exec(ctx, "UPDATE river_patrols SET problems = ? WHERE id = ?", strings.Join(ids, ","), patrolID)
	return err
}

// savePatrol checks who records the patrol, the reach and its region, then the patrol
// itself with the engine, and stores it with its audit entry in one transaction. The
// same patrol sent again (a phone that recorded it offline retries an upload whose
// answer it never got: same chief, reach, start and end) is not stored twice: its first
// record's id comes back with dup true, and nothing of the repeat is kept.
func (m *Module) savePatrol(ctx context.Context, u *auth.User, rec patrolRecord) (id int64, dup bool, err error) {
	chiefID, err := m.patrolChief(ctx, u, rec.ChiefID)
	if err != nil {
		return 0, false, err
	}
	var reach *Reach
	if rec.ReachCode != "" {
		reach, err = getReach(ctx, m.d.DB, "code", strings.TrimSpace(rec.ReachCode))
	} else {
		reach, err = getReach(ctx, m.d.DB, "id", rec.ReachID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, &auth.FieldError{Field: "reach_id", Message: "请选择巡查的河段"}
	}
	if err != nil {
		return 0, false, err
	}
	if !canWriteProblem(u, reach.Region, reach.Region2) {
		return 0, false, auth.ErrScope
	}
	start, end, track, text, err := rec.read()
	if err != nil {
		return 0, false, err
	}
	p := Patrol{ChiefID: strconv.FormatInt(chiefID, 10), ReachID: strconv.FormatInt(reach.ID, 10), Start: start, End: end, Track: track}
	if err := m.Patrols.Validate(p, m.Now()); err != nil {
		var pe *PatrolError
		if errors.As(err, &pe) {
			return 0, false, &auth.FieldError{Field: pe.Field, Message: pe.Msg}
		}
		return 0, false, err
	}
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		// the chief's row is locked first, so that two uploads of one patrol at once
		// cannot both find it missing
		if _, err := tx.Exec(ctx, "UPDATE river_chiefs SET id = id WHERE id = ?", chiefID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, "SELECT id FROM river_patrols WHERE chief_id = ? AND reach_id = ? AND started_at = ? AND ended_at = ? ORDER BY id LIMIT 1",
			chiefID, reach.ID, store.Time(start), store.Time(end)).Scan(&id)
		if err == nil {
			dup = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO river_patrols (chief_id, reach_id, region, started_at, ended_at, km, points, track, seen, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, chiefID, reach.ID, reach.Region, store.Time(start), store.Time(end), p.Length(), len(track),
			text, strings.TrimSpace(rec.Seen), store.Time(m.Now()))
		if err != nil {
			return err
		}
		if err := m.reportFound(ctx, tx, u, reach, id, rec.Problems); err != nil {
			return err
		}
		photos, err := insertPhotos(ctx, tx, u, 0, id, reach.Region, PhotoPatrol, rec.Photos, m.Now())
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("巡河 %s，%.2f 公里", reach.Name, p.Length())
		if len(rec.Problems) > 0 {
			detail += fmt.Sprintf("，发现问题 %d 个", len(rec.Problems))
		}
		if len(photos) > 0 {
			detail += fmt.Sprintf("，巡河照片 %d 张（编号 %s）", len(photos), strings.Join(photos, "、"))
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "river", ObjectType: "patrol", ObjectID: strconv.FormatInt(id, 10), Region: reach.Region,
			Detail: detail})
	})
	return id, dup, err
}

// patrolChief is the chief a patrol is recorded for. Without an id it is the user's own
// chief record (a chief on the phone page or app). With one, the 河长办 or a city's
// system (a 河长办, 归集员 or 管理员 token) records for a chief of its region, and a
// chief only for their own record. A chief who has left office (卸任) records nothing.
func (m *Module) patrolChief(ctx context.Context, u *auth.User, id int64) (int64, error) {
	if id == 0 {
		if !u.HasAny("river", auth.Chief, auth.Admin) {
			return 0, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长可以记录巡河"}
		}
		chief, err := chiefOfUser(ctx, m.d.DB, u.ID)
		if err != nil {
			return 0, &web.HTTPError{Status: http.StatusForbidden, Code: "no_chief", Field: "chief_id", Message: "您的账号还没有关联河长档案，请联系河长办"}
		}
		if chief.RetiredAt != "" {
			return 0, &web.HTTPError{Status: http.StatusForbidden, Code: "retired", Field: "chief_id",
				Message: fmt.Sprintf("您的河长职务已于 %s 卸任，不能再记录巡河；如已担任新的河长职务，请联系河长办登记", retiredDay(chief.RetiredAt))}
		}
		return chief.ID, nil
	}
	c, err := getChief(ctx, m.d.DB, id)
	if errors.Is(err, store.ErrNotFound) {
		return 0, &auth.FieldError{Field: "chief_id", Message: fmt.Sprintf("找不到编号为 %d 的河长，请核对河长编号", id)}
	}
	if err != nil {
		return 0, err
	}
	switch {
	case u.HasAny("river", auth.RiverOffice, auth.Collector, auth.Admin):
		if !u.CanWrite(c.Region) {
			return 0, auth.ErrScope
		}
	case u.HasAny("river", auth.Chief) && c.UserID == u.ID:
	default:
		return 0, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Field: "chief_id",
			Message: "河长只能记录本人的巡河；代河长录入巡河须由河长办或本市系统的接口令牌提交"}
	}
	if c.Retired() {
		return 0, &web.HTTPError{Status: http.StatusForbidden, Code: "retired", Field: "chief_id",
			Message: fmt.Sprintf("河长“%s”已于 %s 卸任，不能再记录其巡河；请记在现任河长名下", c.Name, c.RetiredOn)}
	}
	return c.ID, nil
}

// PatrolAPIInput is a patrol sent by a chief's phone app or a city's system.
type PatrolAPIInput struct {
	// ChiefID names the chief when a 河长办 or a city's system records; a chief's own
	// app leaves it out.
	ChiefID   int64  `json:"chief_id"`
	ReachID   int64  `json:"reach_id"`
	ReachCode string `json:"reach_code"` // instead of reach_id: the code on the 公示牌
	// Start and End: RFC 3339, or "2006-01-02 15:04" in Beijing time.
	Start string `json:"start"`
	End   string `json:"end"`
	// Track in walking order; either every point has its GPS time or none has (then
	// the times are spread evenly from start to end, as on the phone page).
	Track []TrackPointInput `json:"track"`
	Seen  string            `json:"seen"` // 巡河情况
	// Problems found on the patrol, reported on its reach with it (巡河发现问题).
	Problems []PatrolProblemInput `json:"problems"`
}

// TrackPointInput is one point of a patrol's track as the API takes and gives it.
type TrackPointInput struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
	At  string  `json:"at,omitempty"`
}

// apiTime reads a time of the API: RFC 3339, or a Beijing time as the page takes it.
func apiTime(field, label, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		return t.UTC(), nil
	}
	if t, err := parseLocal(field, s); err == nil {
		return t, nil
	}
	return time.Time{}, &auth.FieldError{Field: field, Message: label + "格式不正确，请填写 RFC 3339 时间（如 2026-11-20T08:00:00+08:00）或北京时间“2006-01-02 15:04”"}
}

// read parses the input's times and track; the track is kept as "lat,lon" lines, with
// each point's time (RFC 3339, UTC) as a third value when the app sent them.
func (in PatrolAPIInput) read() (start, end time.Time, track []TrackPoint, text string, err error) {
	if start, err = apiTime("start", "开始时间", in.Start); err != nil {
		return
	}
	if end, err = apiTime("end", "结束时间", in.End); err != nil {
		return
	}
	lines := make([]string, len(in.Track))
	timed := 0
	for i, p := range in.Track {
		lines[i] = num(p.Lat) + "," + num(p.Lon)
		if strings.TrimSpace(p.At) != "" {
			timed++
		}
	}
	if timed == 0 {
		text = strings.Join(lines, "\n")
		track, err = parseTrack(text, start, end)
		return start, end, track, text, err
	}
	for i, p := range in.Track {
		if strings.TrimSpace(p.At) == "" {
			return start, end, nil, "", &auth.FieldError{Field: "track", Message: fmt.Sprintf("第%d个轨迹点没有时间：轨迹点要么都带 at 时间，要么都不带", i+1)}
		}
		at, err := apiTime("track", fmt.Sprintf("第%d个轨迹点的时间“%s”", i+1, p.At), p.At)
		if err != nil {
			return start, end, nil, "", err
		}
		track = append(track, TrackPoint{Lat: p.Lat, Lon: p.Lon, At: at})
		lines[i] += "," + at.Format(time.RFC3339)
	}
	return start, end, track, strings.Join(lines, "\n"), nil
}

// storedTrack reads a kept track back: "lat,lon,time" lines as they are, "lat,lon"
// lines (the phone page) with their times spread from start to end.
func storedTrack(text string, start, end time.Time) []TrackPointInput {
	out := []TrackPointInput{}
	if text == "" {
		return out
	}
	lines := strings.Split(text, "\n")
	if strings.Count(lines[0], ",") < 2 {
		pts, err := parseTrack(text, start, end)
		if err != nil {
			return out
		}
		for _, p := range pts {
			out = append(out, TrackPointInput{Lat: p.Lat, Lon: p.Lon, At: p.At.Format(time.RFC3339)})
		}
		return out
	}
	for _, l := range lines {
		f := strings.SplitN(l, ",", 3)
		if len(f) != 3 {
			continue
		}
		lat, _ := strconv.ParseFloat(f[0], 64)
		lon, _ := strconv.ParseFloat(f[1], 64)
		out = append(out, TrackPointInput{Lat: lat, Lon: lon, At: f[2]})
	}
	return out
}

// PatrolOut is a stored patrol as the API gives it; Track only when one is read.
type PatrolOut struct {
	ID        int64     `json:"id"`
	ChiefID   int64     `json:"chief_id"`
	ChiefName string    `json:"chief_name"`
	ReachID   int64     `json:"reach_id"`
	ReachCode string    `json:"reach_code"`
	ReachName string    `json:"reach_name"`
	Region    string    `json:"region"`
	Region2   string    `json:"region2,omitempty"` // the other city of a reach on a city border
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Km        float64   `json:"km"`
	Points    int       `json:"points"`
	Seen      string    `json:"seen"`
	CreatedAt time.Time `json:"created_at"`
	// ProblemIDs are the problems found on the patrol; Problems and Track only when one
	// patrol is read.
	ProblemIDs []int64            `json:"problem_ids"`
	Problems   []patrolProblemOut `json:"problems,omitempty"`
	Track      []TrackPointInput  `json:"track,omitempty"`
	// Photos are the 巡河照片 (with their thumbnails), when one patrol is read.
	Photos []PhotoInfo `json:"photos,omitempty"`
}

// patrolProblemOut is a problem found on a patrol as it stands now.
type patrolProblemOut struct {
	ID           int64  `json:"id"`
	No           string `json:"no"`
	Category     string `json:"category"`
	CategoryName string `json:"category_name"`
	State        string `json:"state"`
	StateName    string `json:"state_name"`
}

const patrolCols = `p.id, p.chief_id, COALESCE(c.name, ''), p.reach_id, COALESCE(r.code, ''), COALESCE(r.name, ''), p.region, COALESCE(r.region2, ''),
	p.started_at, p.ended_at, p.km, p.points, p.seen, p.created_at, p.track, p.problems
	FROM river_patrols p LEFT JOIN river_chiefs c ON c.id = p.chief_id LEFT JOIN river_reaches r ON r.id = p.reach_id`

func scanPatrol(sc interface{ Scan(...any) error }, withTrack bool) (*PatrolOut, error) {
	var p PatrolOut
	var start, end, at, track, problems string
	if err := sc.Scan(&p.ID, &p.ChiefID, &p.ChiefName, &p.ReachID, &p.ReachCode, &p.ReachName, &p.Region, &p.Region2, &start, &end, &p.Km, &p.Points, &p.Seen, &at, &track, &problems); err != nil {
		return nil, err
	}
	p.Start, p.End, p.CreatedAt = s2t(start), s2t(end), s2t(at)
	p.ProblemIDs = []int64{}
	for _, s := range strings.Split(problems, ",") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			p.ProblemIDs = append(p.ProblemIDs, id)
		}
	}
	if withTrack {
		p.Track = storedTrack(track, p.Start, p.End)
	}
	return &p, nil
}

// PatrolFilter selects patrols on reaches of the user's region and below (a reach on a
// city border belongs to both cities), optionally of a chief, of a reach (by id or
// code), started inside a period, after the patrol Before in the list's order (paging),
// Limit at most.
type PatrolFilter struct {
	Scope     string
	ChiefID   int64
	ReachID   int64
	ReachCode string
	From, To  time.Time
	Before    int64
	Limit     int
}

func patrolFilterFrom(r *http.Request, u *auth.User) (PatrolFilter, error) {
	q := r.URL.Query()
	f := PatrolFilter{Scope: u.Region, ReachCode: strings.TrimSpace(q.Get("reach")), Limit: 50}
	ints := []struct {
		key string
		dst *int64
	}{{"chief_id", &f.ChiefID}, {"reach_id", &f.ReachID}, {"before", &f.Before}}
	for _, v := range ints {
		if s := strings.TrimSpace(q.Get(v.key)); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return f, fieldErr(v.key, fmt.Sprintf("%s“%s”不是有效的编号，请填写正整数", v.key, s))
			}
			*v.dst = n
		}
	}
	if s := strings.TrimSpace(q.Get("limit")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return f, fieldErr("limit", "limit 须为 1 到 500 之间的整数")
		}
		f.Limit = n
	}
	if s := strings.TrimSpace(q.Get("period")); s != "" {
		p, err := ParsePeriod(s)
		if err != nil {
			return f, err
		}
		f.From, f.To = p.From, p.To
	}
	return f, nil
}

// listPatrols gives the patrols the filter selects, the latest start first; a page goes
// on after the patrol Before (in the same order).
func listPatrols(ctx context.Context, q store.Querier, f PatrolFilter) ([]*PatrolOut, error) {
	scope := scopePrefix(f.Scope) + "%"
	where, args := []string{"(p.region LIKE ? OR r.region2 LIKE ?)"}, []any{scope, scope}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.ChiefID > 0 {
		add("p.chief_id = ?", f.ChiefID)
	}
	if f.ReachID > 0 {
		add("p.reach_id = ?", f.ReachID)
	}
	if f.ReachCode != "" {
		add("r.code = ?", f.ReachCode)
	}
	if !f.From.IsZero() {
		add("p.started_at >= ?", store.Time(f.From))
		add("p.started_at < ?", store.Time(f.To))
	}
	if f.Before > 0 {
		where = append(where, `EXISTS (SELECT 1 FROM river_patrols b WHERE b.id = ? AND (p.started_at < b.started_at OR (p.started_at = b.started_at AND p.id < b.id)))`)
		args = append(args, f.Before)
	}
	rows, err := q.Query(ctx, "SELECT "+patrolCols+" WHERE "+strings.Join(where, " AND ")+" ORDER BY p.started_at DESC, p.id DESC LIMIT "+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*PatrolOut{}
	for rows.Next() {
		p, err := scanPatrol(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ---- handlers ----

// patrolPhotosFromForm reads and checks the 巡河照片 of the page or the API (field photos).
func patrolPhotosFromForm(r *http.Request) ([]Upload, error) {
	return photosLabelled(r, "photos", photoLabel(PhotoPatrol), MaxPhotos)
}

// patrolAPIRequest reads a patrol sent to the API: JSON, or multipart/form-data with the
// JSON in the field "patrol" and up to MaxPhotos 巡河照片 in "photos".
func patrolAPIRequest(r *http.Request) (PatrolAPIInput, []Upload, error) {
	var in PatrolAPIInput
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return in, nil, web.DecodeJSON(r, &in)
	}
	ups, err := patrolPhotosFromForm(r)
	if err != nil {
		return in, nil, err
	}
	js := r.FormValue("patrol")
	if strings.TrimSpace(js) == "" {
		return in, nil, &auth.FieldError{Field: "patrol", Message: "缺少 patrol 字段：请把巡河记录的 JSON 放在表单字段 patrol 中，照片放在 photos 中"}
	}
	body := r.Clone(r.Context())
	body.Body = io.NopCloser(strings.NewReader(js))
	if err := web.DecodeJSON(body, &in); err != nil {
		if he := web.Classify(err); he.Field == "" {
			return in, nil, &web.HTTPError{Status: he.Status, Code: he.Code, Field: "patrol", Message: "patrol 字段：" + he.Message}
		}
		return in, nil, err
	}
	return in, ups, nil
}

func (m *Module) apiRecordPatrol(w http.ResponseWriter, r *http.Request) {
	in, ups, err := patrolAPIRequest(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	u := web.User(r)
	id, dup, err := m.savePatrol(r.Context(), u, patrolRecord{ChiefID: in.ChiefID, ReachID: in.ReachID, ReachCode: in.ReachCode, Seen: in.Seen, Problems: in.Problems,
		Photos: ups, read: in.read})
	var p *PatrolOut
	if err == nil {
		p, err = m.patrol(r.Context(), u, id)
	}
	status := http.StatusCreated
	if dup {
		status = http.StatusOK // sent before: the stored patrol, nothing added
	}
	m.d.Web.Reply(w, r, status)(p, err)
}

// patrolRow reads one patrol with its track, if the user may read its region.
func (m *Module) patrolRow(ctx context.Context, u *auth.User, id int64) (*PatrolOut, error) {
	p, err := scanPatrol(m.d.DB.QueryRow(ctx, "SELECT "+patrolCols+" WHERE p.id = ?", id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if !u.CanRead(p.Region, false) && (p.Region2 == "" || !u.CanRead(p.Region2, false)) {
		return nil, auth.ErrScope
	}
	return p, nil
}

// patrol reads one patrol with its track, the problems found and its photos, if the
// user may read its region.
func (m *Module) patrol(ctx context.Context, u *auth.User, id int64) (*PatrolOut, error) {
	p, err := m.patrolRow(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if p.Photos, err = patrolPhotos(ctx, m.d.DB, p.ID); err != nil {
		return nil, err
	}
	for _, id := range p.ProblemIDs {
		var x patrolProblemOut
		err := m.d.DB.QueryRow(ctx, "SELECT id, no, category, state FROM river_problems WHERE id = ?", id).Scan(&x.ID, &x.No, &x.Category, &x.State)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		x.CategoryName, x.StateName = Category(x.Category).String(), State(x.State).String()
		p.Problems = append(p.Problems, x)
	}
	return p, nil
}

func (m *Module) apiPatrol(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看巡河记录")
		return
	}
	id, err := web.PathID(r, "id")
	var p *PatrolOut
	if err == nil {
		p, err = m.patrol(r.Context(), u, id)
	}
	m.d.Web.Reply(w, r, http.StatusOK)(p, err)
}

type patrolListOut struct {
	Items []*PatrolOut `json:"items"`
	// Next is the before= of the next page, 0 on the last.
	Next int64 `json:"next,omitempty"`
}

func (m *Module) apiPatrols(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看巡河记录")
		return
	}
	f, err := patrolFilterFrom(r, u)
	var out patrolListOut
	if err == nil {
		out.Items, err = listPatrols(r.Context(), m.d.DB, f)
	}
	if err == nil && len(out.Items) == f.Limit {
		out.Next = out.Items[len(out.Items)-1].ID
	}
	m.d.Web.Reply(w, r, http.StatusOK)(out, err)
}

// complianceOut is a chief's patrol compliance (巡河履职) as the API gives it.
type complianceOut struct {
	ChiefID   string  `json:"chief_id"`
	Name      string  `json:"name"`
	Level     Level   `json:"level"`
	LevelName string  `json:"level_name"`
	Region    string  `json:"region"`
	Required  int     `json:"required"`
	Done      int     `json:"done"`
	Rate      float64 `json:"rate"`
	Compliant bool    `json:"compliant"`
}

// apiCompliance gives the figures of the phone page's 近 30 天巡河履职 table.
func (m *Module) apiCompliance(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看巡河履职")
		return
	}
	now := m.Now()
	rows, err := m.compliance(r.Context(), u.Region, now)
	items := make([]complianceOut, 0, len(rows))
	for _, c := range rows {
		items = append(items, complianceOut{ChiefID: c.ChiefID, Name: c.Name, Level: c.Level, LevelName: c.Level.String(), Region: c.Region,
			Required: c.Required, Done: c.Done, Rate: c.Rate, Compliant: c.Compliant})
	}
	cities, counties := complianceUnits(rows)
	m.d.Web.Reply(w, r, http.StatusOK)(map[string]any{"from": now.AddDate(0, 0, -30), "to": now, "items": items,
		"cities": unitsOut(cities), "counties": unitsOut(counties)}, err)
}

// unitComplianceOut is a unit's patrol compliance as the API gives it.
type unitComplianceOut struct {
	Region    string  `json:"region"`
	Name      string  `json:"name"`
	Chiefs    int     `json:"chiefs"`
	Compliant int     `json:"compliant"`
	Required  int     `json:"required"`
	Done      int     `json:"done"`
	Rate      float64 `json:"rate"`
}

func unitsOut(us []UnitCompliance) []unitComplianceOut {
	out := make([]unitComplianceOut, 0, len(us))
	for _, u := range us {
		out = append(out, unitComplianceOut{Region: u.Region, Name: region.Name(u.Region), Chiefs: u.Chiefs, Compliant: u.Compliant, Required: u.Required, Done: u.Done, Rate: u.Rate})
	}
	return out
}

func patrolAPIPaths() map[string]any {
	return map[string]any{
		"/api/v1/river/patrols": map[string]any{
			"get": apiOp("巡河记录列表（本辖区及下级，开始时间新的在前）：chief_id、reach_id 或 reach（河段编号）、period（2026-10、2026-Q4 或 2026，按开始时间）、limit（1–500，默认 50）、before（翻页，上一页的 next）"),
			"post": apiOp("记录巡河（与手机巡河页同一校验）：reach_id 或 reach_code、start、end（RFC 3339 或北京时间“2006-01-02 15:04”）、track（[{lat, lon, at}]，at 要么都填要么都不填）、seen、problems（巡河发现的问题 [{category, severity, description, lat, lon}]，与巡河同一事务上报为“巡河”来源的问题，出错时 field 为 problems[i].字段）；" +
				"带巡河照片时用 multipart/form-data：JSON 放在字段 patrol，照片（JPG/PNG，最多 9 张、每张不超过 10 MB）放在字段 photos，照片不合格时 field=photos、什么都不保存；" +
				"河长的令牌记本人的巡河，河长办或本市系统的令牌用 chief_id 指明河长。离线巡河联网后重传同一条（同一河长、河段、开始与结束时间）不会重复保存：应答 200 和已保存的那条（新保存为 201）。错误：结束早于开始（field=end）、轨迹点不合理（field=track）、河长已卸任（403 retired，field=chief_id）、外辖区（403 out_of_scope）"),
		},
		"/api/v1/river/patrols/{id}": map[string]any{"get": apiOp("一次巡河记录及其轨迹点、巡河发现的问题（编号、类别、当前状态）、巡河照片（原图与缩略图地址）")},
		"/api/v1/river/patrols/{id}/photos": map[string]any{"post": apiOp("补传巡河照片（离线巡河事后补录、回到有信号处再上传）：multipart/form-data，照片（JPG/PNG，每张不超过 10 MB）放在字段 photos，每次巡河连同已有的最多 9 张；" +
			"本人河长或本辖区河长办可传，返回该巡河的全部照片 {photos: [...]}。错误均为 field=photos、什么都不保存：不是图片或过大（400 invalid_field）、超过总数（400）、他人的巡河（403 forbidden）、外辖区（403 out_of_scope）、河长已卸任（403 retired）")},
		"/api/v1/river/patrols/compliance": map[string]any{"get": apiOp("近 30 天巡河履职：本辖区各河长应巡、已巡次数与履职率（items，与手机巡河页同一计算），及按市（cities）、区县（counties）汇总的河长数、达标河长数与达标率（巡河频次见配置文件 data/patrol.json）")},
	}
}

// AddPatrolPhotos stores 巡河照片 sent after a patrol was recorded (an offline patrol, the
// photos uploaded back in signal): by the patrol's own chief, or the 河长办 of its region,
// while the chief is in office and up to MaxPhotos photos per patrol in all. The photos and
// their audit entry are stored in one transaction; it gives the patrol's photo list.
func (m *Module) AddPatrolPhotos(ctx context.Context, u *auth.User, id int64, ups []Upload) ([]PhotoInfo, error) {
	label := photoLabel(PhotoPatrol)
	if len(ups) == 0 {
		return nil, &auth.FieldError{Field: "photos", Message: "请选择要上传的" + label}
	}
	var list []PhotoInfo
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		var chiefID int64
		var region string
		err := tx.QueryRow(ctx, "SELECT chief_id, region FROM river_patrols WHERE id = ?", id).Scan(&chiefID, &region)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := patrolPhotoRight(ctx, tx, u, chiefID, region); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM river_photos WHERE patrol_id = ? AND problem_id = 0", id).Scan(&have); err != nil {
			return err
		}
		if have+len(ups) > MaxPhotos {
			return &auth.FieldError{Field: "photos", Message: fmt.Sprintf("%s每次巡河最多 %d 张，已有 %d 张，还能上传 %d 张，您选择了 %d 张", label, MaxPhotos, have, MaxPhotos-have, len(ups))}
		}
		ids, err := insertPhotos(ctx, tx, u, 0, id, region, PhotoPatrol, ups, m.Now())
		if err != nil {
			return err
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "upload", Module: "river", ObjectType: "patrol", ObjectID: strconv.FormatInt(id, 10), Region: region,
			Detail: fmt.Sprintf("补传%s %d 张（编号 %s）", label, len(ids), strings.Join(ids, "、"))}); err != nil {
			return err
		}
		list, err = patrolPhotos(ctx, tx, id)
		return err
	})
	return list, err
}

// patrolPhotoRight says whether the user may add photos to a patrol of the chief in the
// region: the chief themself or the region's 河长办, while the chief is in office.
func patrolPhotoRight(ctx context.Context, q store.Querier, u *auth.User, chiefID int64, region string) error {
	refuse := func(code, msg string) error {
		return &web.HTTPError{Status: http.StatusForbidden, Code: code, Field: "photos", Message: photoLabel(PhotoPatrol) + "：" + msg}
	}
	c, err := getChief(ctx, q, chiefID)
	if err != nil {
		return err
	}
	switch {
	case u.HasAny("river", auth.RiverOffice, auth.Admin) && u.CanWrite(region):
	case u.HasAny("river", auth.Chief) && c.UserID == u.ID:
	case !u.CanRead(region, false):
		return refuse("out_of_scope", "这次巡河不在您的辖区，不能上传照片")
	default:
		return refuse("forbidden", fmt.Sprintf("这是河长“%s”的巡河，只有本人或本辖区河长办可以补传照片", c.Name))
	}
	if c.Retired() {
		return refuse("retired", fmt.Sprintf("河长“%s”已于 %s 卸任，不能再为其巡河补传照片", c.Name, c.RetiredOn))
	}
	return nil
}

// apiPatrolPhotos is POST /api/v1/river/patrols/{id}/photos (multipart, field photos).
func (m *Module) apiPatrolPhotos(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	id, err := web.PathID(r, "id")
	var ups []Upload
	if err == nil {
		ups, err = patrolPhotosFromForm(r)
	}
	var list []PhotoInfo
	if err == nil {
		list, err = m.AddPatrolPhotos(r.Context(), u, id, ups)
	}
	m.d.Web.Reply(w, r, http.StatusCreated)(map[string]any{"photos": list}, err)
}
