package river_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web"
)

func TestImportReadings(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := mustUser(t, e, "cd-office")
		csvText := "\ufeff断面编号,采样时间,NH3N,COD,溶解氧\n" +
			"T-SEC-1,2026-10-01 08:00,0.4,12,7\n" +
			"T-SEC-1,2026-10-02 08:00,-1,12,7\n" +
			"T-SEC-1,2026-10-03 08:00,abc,12,7\n" +
			"NOPE,2026-10-04 08:00,0.4,12,7\n" +
			"T-SEC-1,2026-10-05 08:00,1.8,12,7\n" +
			"T-SEC-1,2026-10-06 08:00,1.9,12,7\n"
		var rep strings.Builder
		s, err := e.m.ImportReadings(context.Background(), strings.NewReader(csvText), u, &rep)
		if err != nil {
			t.Fatal(err)
		}
		if s.Rows != 6 || s.Stored != 3 || s.Rejected != 3 || s.Warnings != 1 {
			t.Fatalf("summary %+v\n%s", s, rep.String())
		}
		for _, want := range []string{"第3行：氨氮", "第4行：NH3N的数值“abc”不是数字", "第5行：断面“NOPE”不存在"} {
			if !strings.Contains(rep.String(), want) {
				t.Fatalf("report lacks %q:\n%s", want, rep.String())
			}
		}
		// a re-run changes nothing
		rep.Reset()
		s, err = e.m.ImportReadings(context.Background(), strings.NewReader(csvText), u, &rep)
		if err != nil || s.Stored != 0 || s.Unchanged != 3 || s.Warnings != 0 {
			t.Fatalf("re-run %+v %v", s, err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'monitoring'"); n != 1 {
			t.Fatalf("warnings %d", n)
		}
	})
}

// TestImportStoresAsPushed: a file's readings are stored as the push API stores the same
// readings one at a time — sampling time, values, class and worst parameters — whatever
// form the times take (a file may mix them), for a river and a lake section (总磷 differs),
// with names and codes in the header and empty cells; each bad row is refused with the
// push API's own message and its line; a warning is opened once per exceedance episode.
func TestImportStoresAsPushed(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := mustUser(t, e, "cd-office")
		for _, s := range []*river.SectionRow{
			{ID: "F-RIVER", Name: "导入河流断面", RiverID: "jinjiang", ReachID: e.cdReach, Target: river.ClassIII, Region: "510100"},
			{ID: "P-RIVER", Name: "推送河流断面", RiverID: "jinjiang", ReachID: e.cdReach, Target: river.ClassIII, Region: "510100"},
			{ID: "F-LAKE", Name: "导入水库断面", RiverID: "jinjiang", ReachID: e.cdReach, Body: river.Lake, Target: river.ClassIII, Region: "510100"},
			{ID: "P-LAKE", Name: "推送水库断面", RiverID: "jinjiang", ReachID: e.cdReach, Body: river.Lake, Target: river.ClassIII, Region: "510100"},
		} {
			if err := e.m.AddSection(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		head := []string{"溶解氧", "COD", "NH3N", "TP", "总氮"}
		rows := [][]string{ // sampling time, then the values of head ("" = not measured)
			{"2026-10-01 08:00", "7.5", "15", "0.5", "0.2", "1.0"},  // Ⅱ/Ⅲ/Ⅱ/Ⅲ (river) · Ⅳ (lake TP)
			{"2026-10-02T00:30:00Z", "6", "20", "1.0", "0.1", ""},   // limits: a limit value is the better class
			{"2026-10-03", "5", "", "1.5", "", "2.0"},               // Ⅳ: opens a warning
			{"2026-10-04 08:00:30", "3", "30", "2.0", "0.4", "0.5"}, // Ⅴ: same episode, no second warning
			{"2026-10-05 08:00", "7", "10", "0.3", "0.05", "0.4"},   // back within target
			{"2026-10-06 08:00", "7", "10", "2.5", "0.05", ""},      // 劣Ⅴ: a new episode (the first is still open)
			{"2026-10-07 08:00", "-1", "10", "0.3", "0.05", ""},     // negative
			{"2026-10-08 25:00", "7", "10", "0.3", "0.05", ""},      // bad time
			{"2026-10-09 08:00", "", "", "", "", ""},                // nothing measured (a blank row but for the time)
			{"2026-10-10 08:00", "7", "10", "0.3", "9000", ""},      // implausible (unit error)
		}
		var file strings.Builder
		file.WriteString("断面编号,采样时间," + strings.Join(head, ",") + "\n")
		for _, sec := range []string{"F-RIVER", "F-LAKE"} {
			for _, r := range rows {
				file.WriteString(sec + "," + strings.Join(r, ",") + "\n")
			}
		}
		var rep strings.Builder
		s, err := e.m.ImportReadings(ctx, strings.NewReader(file.String()), u, &rep)
		if err != nil {
			t.Fatal(err)
		}
		// the same readings pushed one by one
		var pushed []string
		for _, sec := range []string{"P-RIVER", "P-LAKE"} {
			for _, r := range rows {
				in := river.ReadingInput{SectionID: sec, SampledAt: r[0], Values: map[string]float64{}}
				for i, v := range r[1:] {
					if v != "" {
						x, err := strconv.ParseFloat(v, 64)
						if err != nil {
							t.Fatal(err)
						}
						in.Values[head[i]] = x
					}
				}
				if _, err := e.m.AddReading(ctx, u, in); err != nil {
					pushed = append(pushed, web.Classify(err).Message)
				}
			}
		}
		if s.Rows != 20 || s.Stored != 12 || s.Rejected != 8 || len(pushed) != 8 {
			t.Fatalf("summary %+v, pushed refusals %d\n%s", s, len(pushed), rep.String())
		}
		lines := strings.Split(strings.TrimSpace(rep.String()), "\n")
		wantLines := []int{8, 9, 10, 11, 18, 19, 20, 21}
		for i, l := range lines {
			if want := fmt.Sprintf("第%d行：%s", wantLines[i], pushed[i]); l != want {
				t.Fatalf("refusal %d: %q, want %q", i, l, want)
			}
		}
		type stored struct {
			at, worst string
			class     int
			values    map[string]float64
		}
		read := func(sec string) []stored {
			rs, err := db.Query(ctx, "SELECT sampled_at, values_json, class, worst FROM river_readings WHERE section_id = ? ORDER BY sampled_at", sec)
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			var out []stored
			for rs.Next() {
				var x stored
				var vj string
				if err := rs.Scan(&x.at, &vj, &x.class, &x.worst); err != nil {
					t.Fatal(err)
				}
				if err := jsonUnmarshal([]byte(vj), &x.values); err != nil {
					t.Fatal(err)
				}
				out = append(out, x)
			}
			return out
		}
		for _, pair := range [][2]string{{"F-RIVER", "P-RIVER"}, {"F-LAKE", "P-LAKE"}} {
			got, want := read(pair[0]), read(pair[1])
			if len(got) != 6 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s stored\n%+v\nthe push API stored\n%+v", pair[0], got, want)
			}
		}
		if r := read("F-RIVER"); r[2].class != 4 || r[3].class != 5 || r[5].class != 6 || r[0].class != 3 || r[1].class != 3 {
			t.Fatalf("river classes %+v", r)
		}
		// one warning per section for the episode of the 3rd and 4th; the 6th finds it still open
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'monitoring' AND section_id IN ('F-RIVER', 'F-LAKE')"); n != 2 || s.Warnings != 2 {
			t.Fatalf("warnings %d, summary %d", n, s.Warnings)
		}
	})
}

// A section no reach is responsible for opens no 监测预警 when a reading is worse than its
// target (there is no 河长办 to give it to): the import says so once per section, on the
// command line's summary too, and a pushed reading's answer says so.
func TestReadingWithoutReachIsReported(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := mustUser(t, e, "cd-office")
		for _, s := range []*river.SectionRow{
			{ID: "N-REACH", Name: "无责任河段断面", RiverID: "jinjiang", Target: river.ClassIII, Region: "510100"},
			{ID: "Y-REACH", Name: "有责任河段断面", RiverID: "jinjiang", ReachID: e.cdReach, Target: river.ClassIII, Region: "510100"},
		} {
			if err := e.m.AddSection(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		// NH3N 1.5 mg/L is 类Ⅳ (GB 3838-2002 表1: Ⅲ ≤ 1.0, Ⅳ ≤ 1.5), worse than the target Ⅲ
		file := "断面编号,采样时间,NH3N\nN-REACH,2026-10-01 08:00,1.5\nN-REACH,2026-10-02 08:00,1.5\nY-REACH,2026-10-01 08:00,1.5\nN-REACH,2026-10-03 08:00,0.5\n"
		var rep strings.Builder
		s, err := e.m.ImportReadings(ctx, strings.NewReader(file), u, &rep)
		if err != nil {
			t.Fatal(err)
		}
		if s.Stored != 4 || s.Warnings != 1 || len(s.NoReach) != 1 || s.NoReach[0] != "N-REACH 无责任河段断面" {
			t.Fatalf("summary %+v", s)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'monitoring'"); n != 1 {
			t.Fatalf("warnings stored: %d", n)
		}
		res, err := e.m.AddReading(ctx, u, river.ReadingInput{SectionID: "N-REACH", SampledAt: "2026-10-04 08:00", Values: map[string]float64{"NH3N": 1.5}})
		if err != nil {
			t.Fatal(err)
		}
		if res.ProblemID != 0 || !strings.Contains(res.Note, "未指定责任河段，未生成监测预警问题") {
			t.Fatalf("pushed reading: %+v", res)
		}
		res, err = e.m.AddReading(ctx, u, river.ReadingInput{SectionID: "N-REACH", SampledAt: "2026-10-05 08:00", Values: map[string]float64{"NH3N": 0.5}})
		if err != nil || res.Note != "" {
			t.Fatalf("a reading within the target: %+v %v", res, err)
		}
		// the upload page and the command line say it too
		want := "断面 N-REACH 无责任河段断面 超过目标类别，但断面未指定责任河段，未生成监测预警问题"
		c := e.login("cd-office")
		resp, body := c.upload("/river/readings/import", "file", "n.csv", []byte("断面编号,采样时间,NH3N\nN-REACH,2026-10-06 08:00,1.5\n"))
		if resp.StatusCode != 200 || !strings.Contains(body, want) || !strings.Contains(body, "新增 1，已有 0，拒绝 0，新开监测预警问题 0") {
			t.Fatalf("upload %d: %s", resp.StatusCode, body)
		}
		path := filepath.Join(t.TempDir(), "n.csv")
		if err := writeFile(path, []byte("断面编号,采样时间,NH3N\nN-REACH,2026-10-07 08:00,1.5\n")); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := e.m.ImportFile(ctx, e.a.Deps, path, u, &out); err != nil || !strings.Contains(out.String(), want) {
			t.Fatalf("command line: %v\n%s", err, out.String())
		}
	})
}
