package river

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// DemoAnchor is the "today" of generated data, so a seed always gives the same rows.
var DemoAnchor = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

type demoSize struct {
	chiefs, problems, closedMin, patrolsPer, patrolDays, readingDays int
}

func demoSizes(scale platform.Scale) demoSize {
	if scale == platform.Bulletin {
		// 2022 bulletin: 12,282 registered chiefs, nearly 75,000 problems found, more than 73,000 closed;
		// 81 patrols per chief over two years make the ~1 million patrol records of the benchmarks.
		return demoSize{chiefs: 12282, problems: 75000, closedMin: 73300, patrolsPer: 81, patrolDays: 730, readingDays: 730}
	}
	return demoSize{chiefs: 300, problems: 2000, closedMin: 1300, patrolsPer: 6, patrolDays: 60, readingDays: 120}
}

// batch collects rows for multi-row INSERTs.
type batch struct {
	table string
	cols  []string
	rows  [][]any
	n     int // rows per statement
}

func (b *batch) add(ctx context.Context, q store.Querier, row ...any) error {
	b.rows = append(b.rows, row)
	if len(b.rows) >= b.n {
		return b.flush(ctx, q)
	}
	return nil
}

func (b *batch) flush(ctx context.Context, q store.Querier) error {
	if len(b.rows) == 0 {
		return nil
	}
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.cols)), ", ") + ")"
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	args := make([]any, 0, len(b.rows)*len(b.cols))
	for i, r := range b.rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ph)
		args = append(args, r...)
	}
	b.rows = b.rows[:0]
	_, err := q.Exec(ctx, sb.String(), args...)
	return err
}

type demoReach struct {
	id      int64
	river   string
	region  string
	region2 string
}

var demoSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

var demoUnits = []string{"水务局", "生态环境局", "住建局", "城管局", "农业农村局", "自然资源局", "交通运输局", "乡镇人民政府", "街道办事处"}

// Demo generates chiefs, reaches, problems in every state with their history,
// patrols and readings, deterministically from seed.
func (m *Module) Demo(ctx context.Context, d *platform.Deps, scale platform.Scale, seed int64, out io.Writer) error {
	if m.d == nil {
		m.d = d
	}
	db := d.DB
	var have int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM river_problems WHERE demo = 1").Scan(&have); err != nil {
		return err
	}
	if have > 0 {
		fmt.Fprintf(out, "  河长制：已有 %d 个演示问题，跳过\n", have)
		return nil
	}
	start := time.Now()
	if err := m.SeedAtlas(ctx, db); err != nil {
		return err
	}
	sz := demoSizes(scale)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7269766572)) // "river"
	cities := region.Cities()
	var counties []string
	for _, c := range cities {
		for _, k := range region.Children(c.Code) {
			counties = append(counties, k.Code)
		}
	}
	// the atlas reaches are the real rivers; generated reaches lie on them, one per county chief and below
	var atlasReaches []demoReach
	rows, err := db.Query(ctx, "SELECT id, river_id, region, region2 FROM river_reaches ORDER BY id")
	if err != nil {
		return err
	}
	for rows.Next() {
		var r demoReach
		if err := rows.Scan(&r.id, &r.river, &r.region, &r.region2); err != nil {
			rows.Close()
			return err
		}
		atlasReaches = append(atlasReaches, r)
	}
	rows.Close()
	riversOf := map[string][]string{} // city → river ids
	for _, c := range cities {
		for _, r := range m.atlas.InRegion(c.Code) {
			riversOf[c.Code] = append(riversOf[c.Code], r.ID)
		}
	}
	name := func() string {
		return string(demoSurnames[rng.IntN(len(demoSurnames))]) + string([]rune("建国华明军平伟强勇杰涛斌超波辉刚健")[rng.IntN(17)])
	}
	reaches := append([]demoReach(nil), atlasReaches...)
	var chiefIDs []int64
	var chiefRegion []string
	// chiefs: level shares 省 0.1 %, 市 1 %, 县 9 %, 乡 35 %, 村 the rest
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < sz.chiefs; i++ {
			var lvl Level
			x := rng.Float64()
			switch {
			case i < 8:
				lvl = LevelProvince
			case x < 0.01:
				lvl = LevelCity
			case x < 0.10:
				lvl = LevelCounty
			case x < 0.45:
				lvl = LevelTownship
			default:
				lvl = LevelVillage
			}
			reg := counties[rng.IntN(len(counties))]
			switch lvl {
			case LevelProvince:
				reg = region.ProvinceCode
			case LevelCity:
				reg = region.CityOf(reg)
			}
			c := &ChiefRow{Name: name(), Level: lvl, Region: reg, Phone: fmt.Sprintf("138%08d", rng.IntN(1e8))}
			if err := insertChief(ctx, tx, c, true); err != nil {
				return err
			}
			chiefIDs, chiefRegion = append(chiefIDs, c.ID), append(chiefRegion, reg)
			if lvl >= LevelCounty {
				rv := "minjiang"
				if l := m.demoRiversOf(reg, riversOf[region.CityOf(reg)]); len(l) > 0 {
					rv = l[rng.IntN(len(l))]
				}
				r := &Reach{Code: fmt.Sprintf("HD%s%05d", reg, i), RiverID: rv, Name: fmt.Sprintf("%s%s第%d段", m.atlas.River(rv).Name, region.Name(reg), i%97+1),
					Region: reg, ChiefID: c.ID, Duties: "负责本河段日常巡查、问题发现与督促整改", Phone: "12345"}
				if err := insertReach(ctx, tx, r, true); err != nil {
					return err
				}
				reaches = append(reaches, demoReach{id: r.ID, river: rv, region: reg})
			}
		}
		// give the atlas reaches a chief of their city
		for _, r := range atlasReaches {
			for j := range chiefIDs {
				if chiefRegion[j] == r.region {
					if _, err := tx.Exec(ctx, "UPDATE river_reaches SET chief_id = ? WHERE id = ?", chiefIDs[j], r.id); err != nil {
						return err
					}
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  河长制：%d 名河长，%d 个河段\n", len(chiefIDs), len(reaches))

	if err := m.demoProblems(ctx, db, rng, sz, reaches); err != nil {
		return err
	}
	if err := m.demoPatrols(ctx, db, rng, sz, chiefIDs, chiefRegion, reaches); err != nil {
		return err
	}
	if err := m.demoReadings(ctx, db, rng, sz); err != nil {
		return err
	}
	if err := m.demoArchive(ctx, db, sz, seed, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "  河长制：%d 个问题（至少 %d 个办结），用时 %s\n", sz.problems, sz.closedMin, time.Since(start).Round(time.Millisecond))
	return nil
}

func (m *Module) demoProblems(ctx context.Context, db *store.DB, rng *rand.Rand, sz demoSize, reaches []demoReach) error {
	weights := []struct {
		c Category
		w int
	}{{CategoryGarbage, 30}, {CategoryDumping, 15}, {CategorySewage, 15}, {CategoryOccupy, 10}, {CategoryBuilding, 8}, {CategoryMining, 5},
		{CategoryShoreline, 7}, {CategoryQuality, 4}, {CategoryOther, 6}}
	pickCat := func() Category {
		x := rng.IntN(100)
		for _, w := range weights {
			if x < w.w {
				return w.c
			}
			x -= w.w
		}
		return CategoryOther
	}
	srcW := []Source{SourcePatrol, SourcePatrol, SourcePatrol, SourcePatrol, SourcePatrol, SourcePublic, SourcePublic, SourceMonitoring, SourceInspection, SourceTransfer}
	sevs := []Severity{SeverityGeneral, SeverityGeneral, SeverityGeneral, SeveritySerious, SeverityMajor, SeverityUrgent}
	openStates := []State{StateReported, StateRejected, StateAccepted, StateAssigned, StateHandling, StateExtension, StateFeedback, StateVerified}
	const chunk = 5000
	for done := 0; done < sz.problems; {
		n := min(chunk, sz.problems-done)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			hist := &batch{table: "river_problem_history", cols: []string{"problem_id", "at", "actor_id", "actor_name", "action", "from_state", "to_state", "reason", "note", "region"}, n: 200}
			for i := 0; i < n; i++ {
				k := done + i
				r := reaches[rng.IntN(len(reaches))]
				final := StateClosed
				if k >= sz.closedMin && rng.IntN(3) > 0 {
					final = openStates[rng.IntN(len(openStates))]
				}
				reported := DemoAnchor.Add(-time.Duration(rng.IntN(730*24*60)) * time.Minute)
				if final != StateClosed {
					reported = DemoAnchor.Add(-time.Duration(rng.IntN(40*24*60)) * time.Minute)
				}
				p := Problem{Source: srcW[rng.IntN(len(srcW))], Category: pickCat(), Severity: sevs[rng.IntN(len(sevs))], State: StateReported,
					Level: officeLevel([]string{r.region, r.region2}), ReportedAt: reported, Description: "演示问题：河道及岸线发现问题，需要整改"}
				type step struct {
					a      ActionKind
					to     State
					reason string
				}
				var steps []step
				t := reported
				add := func(a ActionKind, to State, reason string) { steps = append(steps, step{a, to, reason}) }
				switch final {
				case StateRejected:
					add(ActReject, StateRejected, "经核实不属于河湖管理范围")
				default:
					path := []step{{ActAccept, StateAccepted, ""}, {ActAssign, StateAssigned, ""}, {ActReceive, StateHandling, ""},
						{ActFeedback, StateFeedback, ""}, {ActPassCheck, StateVerified, ""}, {ActClose, StateClosed, ""}}
					if final == StateExtension {
						path = []step{{ActAccept, StateAccepted, ""}, {ActAssign, StateAssigned, ""}, {ActReceive, StateHandling, ""}, {ActRequestExtend, StateExtension, "工程量大，需延期"}}
					}
					for _, s := range path {
						if p.State == final {
							break
						}
						if final == StateReported {
							break
						}
						add(s.a, s.to, s.reason)
						p.State = s.to
					}
				}
				p.State = StateReported
				unit := region.Name(r.region) + demoUnits[rng.IntN(len(demoUnits))]
				var entries []HistoryEntry
				for _, s := range steps {
					t = t.Add(time.Duration(2+rng.IntN(60)) * time.Hour)
					if s.a == ActFeedback {
						t = t.Add(time.Duration(rng.IntN(12*24)) * time.Hour)
					}
					if t.After(DemoAnchor) {
						t = DemoAnchor
					}
					switch s.a {
					case ActAssign:
						p.Unit, p.AssignedAt = unit, t
						p.Deadline = t.AddDate(0, 0, m.Workflow.DeadlineDays[p.Severity])
					case ActRequestExtend:
						p.RequestedDeadline = p.Deadline.AddDate(0, 0, 15)
					case ActFeedback:
						p.FeedbackAt, p.AfterPhotos = t, []string{"demo-after"}
					case ActPassCheck:
						p.CheckedAt = t
					case ActClose:
						p.ClosedAt = t
					}
					reason := s.reason
					if s.a == ActAssign && reason == "" {
						reason = defaultDeadlineReason(p.Severity, m.Workflow.DeadlineDays[p.Severity])
					}
					entries = append(entries, HistoryEntry{At: t, ActorID: "demo", ActorName: region.Name(r.region) + "河长办", Action: s.a, From: p.State, To: s.to, Reason: reason})
					p.State = s.to
				}
				no := fmt.Sprintf("HZ%s%08X", reported.In(shanghai).Format("20060102"), rng.Uint32())
				id, err := store.InsertID(ctx, tx, `INSERT INTO river_problems (no, source, category, severity, reach_id, river_id, region, city, region2, city2,
					state, level, unit, deadline, requested_deadline, description, after_photos, reported_at, assigned_at, feedback_at, checked_at, closed_at, close_secs, updated_at, demo)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
					no, string(p.Source), string(p.Category), string(p.Severity), r.id, r.river, r.region, region.CityOf(r.region), r.region2, region.CityOf(r.region2),
					string(p.State), int(p.Level), p.Unit, t2s(p.Deadline), t2s(p.RequestedDeadline), p.Description, strings.Join(p.AfterPhotos, "\n"),
					t2s(reported), t2s(p.AssignedAt), t2s(p.FeedbackAt), t2s(p.CheckedAt), t2s(p.ClosedAt), closeSecs(reported, p.ClosedAt), t2s(t))
				if err != nil {
					return err
				}
				if err := hist.add(ctx, tx, id, t2s(reported), "demo", "巡河河长", "report", "", string(StateReported), "", "", r.region); err != nil {
					return err
				}
				for _, h := range entries {
					if err := hist.add(ctx, tx, id, t2s(h.At), h.ActorID, h.ActorName, string(h.Action), string(h.From), string(h.To), h.Reason, "", r.region); err != nil {
						return err
					}
				}
			}
			return hist.flush(ctx, tx)
		})
		if err != nil {
			return err
		}
		done += n
	}
	return nil
}

func (m *Module) demoPatrols(ctx context.Context, db *store.DB, rng *rand.Rand, sz demoSize, chiefs []int64, regions []string, reaches []demoReach) error {
	byRegion := map[string][]int64{}
	for _, r := range reaches {
		byRegion[r.region] = append(byRegion[r.region], r.id)
	}
	now := store.Time(DemoAnchor)
	const chunk = 2000
	for lo := 0; lo < len(chiefs); lo += chunk {
		hi := min(lo+chunk, len(chiefs))
		err := db.InTx(ctx, func(tx *store.Tx) error {
			b := &batch{table: "river_patrols", cols: []string{"chief_id", "reach_id", "region", "started_at", "ended_at", "km", "points", "track", "seen", "created_at", "demo"}, n: 300}
			for i := lo; i < hi; i++ {
				rs := byRegion[regions[i]]
				if len(rs) == 0 {
					continue
				}
				for j := 0; j < sz.patrolsPer; j++ {
					st := DemoAnchor.Add(-time.Duration(rng.IntN(sz.patrolDays*24)) * time.Hour)
					en := st.Add(time.Duration(30+rng.IntN(150)) * time.Minute)
					if err := b.add(ctx, tx, chiefs[i], rs[rng.IntN(len(rs))], regions[i], store.Time(st), store.Time(en), 1+rng.Float64()*6, 10+rng.IntN(90), "", "河面整洁，未发现问题", now, 1); err != nil {
						return err
					}
				}
			}
			return b.flush(ctx, tx)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *Module) demoReadings(ctx context.Context, db *store.DB, rng *rand.Rand, sz demoSize) error {
	rows, err := db.Query(ctx, "SELECT id FROM river_sections ORDER BY id")
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	return db.InTx(ctx, func(tx *store.Tx) error {
		b := &batch{table: "river_readings", cols: []string{"section_id", "region", "sampled_at", "values_json", "class", "worst", "created_at", "demo"}, n: 300}
		for _, id := range ids {
			sec, err := getSection(ctx, tx, id)
			if err != nil {
				return err
			}
			base := 0.3 + rng.Float64()*0.8 // 氨氮 level of this section
			var last Class
			for d := sz.readingDays - 1; d >= 0; d-- {
				at := DemoAnchor.AddDate(0, 0, -d).Truncate(24 * time.Hour)
				vals := map[string]float64{
					"DO":    round2(5 + rng.Float64()*3.5),
					"CODMn": round2(2 + rng.Float64()*5),
					"COD":   round2(10 + rng.Float64()*14),
					"NH3N":  round2(base * (0.6 + rng.Float64()*0.9)),
					"TP":    round2(0.05 + rng.Float64()*0.2),
				}
				res, err := m.std.Classify(Sample{Body: sec.Body, Values: vals}, Options{})
				if err != nil {
					return err
				}
				vj, _ := json.Marshal(vals)
				if err := b.add(ctx, tx, sec.ID, sec.Region, store.Time(at), string(vj), int(res.Class), strings.Join(res.Worst, "、"), store.Time(DemoAnchor), 1); err != nil {
					return err
				}
				last = res.Class
			}
			if _, err := tx.Exec(ctx, "UPDATE river_sections SET last_class = ? WHERE id = ?", int(last), sec.ID); err != nil {
				return err
			}
		}
		return b.flush(ctx, tx)
	})
}

func round2(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return f
}

// demoRiversOf picks the rivers a demo reach of the county may lie on, so
// that 一河一档 does not contradict itself: those whose reference data names
// the county among 流经区县; failing that, those of the city (cityRivers) that
// name none of the city's counties (where they run there is not known);
// failing that, all of the city's rivers.
func (m *Module) demoRiversOf(county string, cityRivers []string) []string {
	city := region.CityOf(county)
	var listed, unknown []string
	for _, id := range cityRivers {
		r := m.atlas.River(id)
		inCity := false
		for _, c := range r.Counties {
			if region.CityOf(c) == city {
				inCity = true
				if c == county {
					listed = append(listed, id)
					break
				}
			}
		}
		if !inCity {
			unknown = append(unknown, id)
		}
	}
	switch {
	case len(listed) > 0:
		return listed
	case len(unknown) > 0:
		return unknown
	}
	return cityRivers
}
