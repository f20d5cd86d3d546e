package discretion_test

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/credit"
	"tongcheng/internal/discretion"
	"tongcheng/internal/platform"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var demoDigest = map[string]uint64{}

// TestDemoSmall: the small demo is deterministic, spread over the four cities and the
// catalogue, and every stored fine is an engine result inside its legal range.
func TestDemoSmall(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var out strings.Builder
		start := time.Now()
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 2022, &out); err != nil {
			t.Fatal(err)
		}
		t.Logf("small demo: %v — %s", time.Since(start), strings.TrimSpace(out.String()))
		if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided'"); n != 2000 {
			t.Fatalf("decided = %d, want 2000", n)
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE status = 'pending'"); n != 30 {
			t.Fatalf("pending = %d, want 30", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM discretion_cases WHERE NOT (
			(tier IN ('从轻', '一般', '从重') AND fine_fen >= legal_min AND fine_fen <= legal_max AND fine_fen > 0)
			OR (tier IN ('无罚款', '不予处罚') AND fine_fen = 0))`); n != 0 {
			t.Fatalf("%d cases have a fine outside their legal range", n)
		}
		for _, city := range []string{"510100", "510600", "511400", "512000"} {
			if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE city = ? AND status = 'decided'", city); n < 200 {
				t.Errorf("city %s has %d decided cases", city, n)
			}
		}
		if n := e.count("SELECT COUNT(DISTINCT item_id) FROM discretion_cases"); n < 60 {
			t.Errorf("only %d items used", n)
		}
		// a second run adds nothing
		penalties := e.count("SELECT COUNT(*) FROM credit_records")
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 2022, io.Discard); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_cases"); n != 2046 {
			t.Fatalf("after a second run: %d cases, want 2046", n)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records"); n != penalties {
			t.Fatalf("after a second run: %d credit records, want %d", n, penalties)
		}
		// the stored numbers are the engine's: recompute a sample from the stored input
		rng := rand.New(rand.NewPCG(1, 2))
		checked := 0
		for range 40 {
			id := 1 + rng.IntN(2046)
			var c caseOut
			if code := e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d", id), nil, &c); code != 200 {
				t.Fatalf("case %d: %d", id, code)
			}
			res, err := e.m.Engine().Quick(c.Input)
			if err != nil {
				t.Fatalf("case %d: stored input fails: %v", id, err)
			}
			want := res.FineFen
			if c.Input.ProposedFen != nil {
				want = *c.Input.ProposedFen
			}
			if res.NoPenalty || res.Tier == discretion.TierNoFine {
				want = 0
			}
			if c.FineFen != want || c.SuggestedFen != res.FineFen && want != 0 || c.Tier != string(res.Tier) || c.LegalMax != res.LegalMax {
				t.Fatalf("case %d: stored fine %d (suggested %d, %s), engine %d %s", id, c.FineFen, c.SuggestedFen, c.Tier, res.FineFen, res.Tier)
			}
			// a generated decision has the 听证 and 集体讨论 steps its procedure requires
			if c.Status == discretion.StatusDecided && !res.NoPenalty {
				p := res.Procedure
				notice := e.count("SELECT COUNT(*) FROM discretion_steps WHERE case_id = ? AND kind IN ('hearing_notice', 'hearing_waiver') AND on_date < ?", id, c.DecidedOn)
				coll := e.count("SELECT COUNT(*) FROM discretion_steps WHERE case_id = ? AND kind = 'collective' AND outcome = '同意' AND on_date < ?", id, c.DecidedOn)
				if p.HearingRight != (notice == 2) || p.Collective != (coll == 1) {
					t.Fatalf("decided case %d (听证 %v, 集体讨论 %v): %d notice/waiver and %d collective steps before %s", id, p.HearingRight, p.Collective, notice, coll, c.DecidedOn)
				}
				checked++
			}
		}
		if checked < 20 {
			t.Fatalf("only %d of 40 sampled cases are decided", checked)
		}
		if n := e.count("SELECT COUNT(DISTINCT case_id) FROM discretion_steps WHERE kind = 'hearing_waiver'"); n < 200 {
			t.Errorf("only %d generated decisions went through the hearing notice", n)
		}
		// deterministic: the same digest on a second database and on every engine
		demoDigest[db.Dialect.String()] = digest(t, db)
		// (before a second app is built on another database: the modules are shared)
		checkDemoDecisions(t, e)
		if db.Dialect == store.SQLite {
			db2 := storetest.Open(t, "sqlite")
			e2 := newEnv(t, db2)
			if err := e2.m.Demo(ctx, e2.a.Deps, platform.Small, 2022, io.Discard); err != nil {
				t.Fatal(err)
			}
			if d2 := digest(t, db2); d2 != demoDigest["sqlite"] {
				t.Fatalf("two runs with the same seed differ: %x %x", d2, demoDigest["sqlite"])
			}
		}
		var all []uint64
		for _, d := range demoDigest {
			all = append(all, d)
		}
		if slices.Min(all) != slices.Max(all) {
			t.Fatalf("demo data differs between engines: %v", demoDigest)
		}
		// the departure share card is filled
		_, body := e.login("cd-officer").Get("/")
		if !strings.Contains(body, "偏离类案的决定") || !strings.Contains(body, "待法制审核") {
			t.Fatal("home page misses the module's cards")
		}
	})
}

// checkDemoDecisions: the demo's decided cases were decided the way a reviewer's approval
// decides them. Every case with a penalty has a 决定书文号 of its bureau and decision year
// (成市监处罚〔2026〕12号), numbered 1, 2, 3 … per bureau and year in the order of the
// decision days, each number once; its penalty is in the credit library as a 行政处罚 record
// (双公示) with the case's party, fine, date and bureau, submitted on the decision day; the
// approval is audited. A pending demo case approved afterwards takes its bureau's next number.
func checkDemoDecisions(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	type dec struct {
		id                           int64
		region, day, no, party, name string
		fine                         int64
	}
	rows, err := e.db.Query(ctx, `SELECT id, region, decided_on, decision_no, subject_id, subject_name, fine_fen FROM discretion_cases
		WHERE status = 'decided' AND decision_no <> '' ORDER BY decided_on, id`)
	if err != nil {
		t.Fatal(err)
	}
	var ds []dec
	for rows.Next() {
		var d dec
		if err := rows.Scan(&d.id, &d.region, &d.day, &d.no, &d.party, &d.name, &d.fine); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	rows.Close()
	if len(ds) < 1500 {
		t.Fatalf("only %d of 2000 decided cases have a 决定书文号", len(ds))
	}
	// the others give no penalty: 不予处罚, or only 责令改正 where the fine's condition is not met
	if n := e.count(`SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided' AND decision_no = ''
		AND tier IN ('不予处罚', '无罚款') AND fine_fen = 0 AND confiscated_fen = 0`); n+len(ds) != 2000 {
		t.Errorf("%d decided cases have a 决定书文号 and %d give no penalty, want 2000 in all", len(ds), n)
	}
	next := map[string]int64{} // bureau prefix and year → last number seen
	seen := map[string]bool{}
	for _, d := range ds {
		b, ok := discretion.BureauOf(d.region)
		if !ok {
			t.Fatalf("case %d: region %s has no bureau", d.id, d.region)
		}
		year := d.day[:4]
		var n int64
		if _, err := fmt.Sscanf(strings.TrimPrefix(d.no, b.Prefix+"〔"+year+"〕"), "%d号", &n); err != nil || !strings.HasPrefix(d.no, b.Prefix+"〔"+year+"〕") {
			t.Fatalf("case %d (%s, decided %s): 决定书文号 %q is not %s〔%s〕N号", d.id, d.region, d.day, d.no, b.Prefix, year)
		}
		if seen[d.no] {
			t.Fatalf("case %d: 决定书文号 %s given twice", d.id, d.no)
		}
		seen[d.no] = true
		key := b.Prefix + year
		if n != next[key]+1 {
			t.Fatalf("case %d: %s follows number %d of %s〔%s〕; numbers go 1, 2, 3 … in the order of the decision days", d.id, d.no, next[key], b.Prefix, year)
		}
		next[key] = n
	}
	if len(next) < 20 {
		t.Errorf("only %d bureau-years numbered", len(next))
	}
	// the numbering table continues where the demo stopped
	for _, bc := range []string{"510100", "510104", "510600"} {
		b, _ := discretion.BureauOf(bc)
		if n := e.count("SELECT COALESCE(MAX(last_no), 0) FROM discretion_decision_seq WHERE bureau = ? AND seq_year = 2026", bc); int64(n) != next[b.Prefix+"2026"] {
			t.Errorf("bureau %s: sequence at %d, last number given %d", bc, n, next[b.Prefix+"2026"])
		}
	}
	// 双公示: one 行政处罚 record per decided penalty, keyed by its number
	if n := e.count("SELECT COUNT(*) FROM credit_records WHERE rtype = ?", string(credit.TypePenalty)); n != len(ds) {
		t.Fatalf("credit library holds %d 行政处罚 records, want %d (one per decided penalty)", n, len(ds))
	}
	if n := e.count(`SELECT COUNT(*) FROM credit_records r JOIN discretion_cases c ON c.decision_no = r.doc_no
		WHERE c.fine_fen = r.fine_fen AND c.decided_on = r.decision_date AND c.decided_on = r.submitted_on AND c.region = r.region AND c.authority = r.authority`); n != len(ds) {
		t.Fatalf("%d of %d credit records match their case's fine, date, region and bureau", n, len(ds))
	}
	if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'discretion' AND action = 'approve'"); n != 2000 {
		t.Errorf("%d approvals audited, want 2000", n)
	}
	// one record field by field
	d := ds[len(ds)/2]
	var party, uscc, idNo, authority, body string
	var fine int64
	if err := e.db.QueryRow(ctx, "SELECT party_name, uscc, id_no, authority, fine_fen, body_json FROM credit_records WHERE doc_no = ?", d.no).
		Scan(&party, &uscc, &idNo, &authority, &fine, &body); err != nil {
		t.Fatalf("record %s: %v", d.no, err)
	}
	b, _ := discretion.BureauOf(d.region)
	if party != d.name || uscc+idNo != d.party || fine != d.fine || authority != b.Name {
		t.Errorf("record %s: party %s %s%s, fine %d, authority %s; case %d: %s %s, fine %d, bureau %s", d.no, party, uscc, idNo, fine, authority, d.id, d.name, d.party, d.fine, b.Name)
	}
	var rec credit.Record
	if err := json.Unmarshal([]byte(body), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.DocName != "行政处罚决定书" || rec.Penalty == nil || rec.Penalty.FineFen != d.fine || rec.Penalty.Basis == "" ||
		!strings.Contains(rec.Remark, fmt.Sprint(d.id)) || rec.AuthorityID == "" || (d.fine > 0) != strings.Contains(rec.Penalty.Content, "罚款") {
		t.Errorf("record %s: %+v %+v", d.no, rec, rec.Penalty)
	}
	// the 行政处罚决定书 of a generated decision shows its number, the party and the penalty
	// provision (the stored row keeps the numbers only; the page derives the rest again);
	// decided cases are readable by all four cities
	resp, page := e.login("cd-officer").Get(fmt.Sprintf("/discretion/cases/%d/decision", d.id))
	if resp.StatusCode != 200 || !strings.Contains(page, d.no) || !strings.Contains(page, d.name) || !strings.Contains(page, "《") {
		t.Fatalf("决定书 of demo case %d (%s): %d", d.id, d.no, resp.StatusCode)
	}
	// a pending demo case of 成都, approved now, takes its bureau's next number
	var pending []int64
	prow, err := e.db.Query(ctx, "SELECT id FROM discretion_cases WHERE status = 'pending' AND city = '510100' ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for prow.Next() {
		var pid int64
		prow.Scan(&pid)
		pending = append(pending, pid)
	}
	prow.Close()
	var id int64
	var prefix string
	for _, pid := range pending {
		var c caseOut
		e.api("cd-reviewer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d", pid), nil, &c)
		if p := c.Result.Procedure; !p.HearingRight && !p.Collective && c.FineFen > 0 {
			b, _ := discretion.BureauOf(c.Region)
			id, prefix = pid, b.Prefix
			break
		}
	}
	if id == 0 {
		t.Fatal("no pending demo case of 成都 with a fine but without 听证 or 集体讨论")
	}
	code, c, er := e.approve("cd-reviewer", id)
	if code != 200 {
		t.Fatalf("approving demo case %d: %d %+v", id, code, er)
	}
	if want := discretion.DecisionNumber(prefix, 2026, next[prefix+"2026"]+1); c.DecisionNo != want {
		t.Fatalf("approved demo case %d: 决定书文号 %s, want %s", id, c.DecisionNo, want)
	}
	if n := e.count("SELECT COUNT(*) FROM credit_records WHERE doc_no = ?", c.DecisionNo); n != 1 {
		t.Fatalf("approved demo case %d (%s): %d credit records", id, c.DecisionNo, n)
	}
}

func digest(t *testing.T, db *store.DB) uint64 {
	rows, err := db.Query(context.Background(), "SELECT id, item_id, region, fine_fen, decided_on, decision_no, input_json FROM discretion_cases ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	h := fnv.New64a()
	for rows.Next() {
		var id, fine int64
		var item, reg, day, no, in string
		rows.Scan(&id, &item, &reg, &fine, &day, &no, &in)
		fmt.Fprintln(h, id, item, reg, fine, day, no, in)
	}
	return h.Sum64()
}

// BenchmarkSimilar measures the similar-case search (类案同罚) over 100,000 generated
// decided cases (the bulletin-scale demo) on SQLite, and reports the p50 and p95 latency
// of one search (load the case, query its similar cases, compute median and departure).
// Only under -bench:
//
//	go test -run '^$' -bench BenchmarkSimilar -benchtime 2000x ./internal/discretion/
func BenchmarkSimilar(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b, "sqlite")
	a, err := app.Build(ctx, db, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	m := a.Module("discretion").(*discretion.Module)
	start, cpu0 := time.Now(), discretion.CPUSeconds()
	var out strings.Builder
	if err := m.Demo(ctx, a.Deps, platform.Bulletin, 2022, &out); err != nil {
		b.Fatal(err)
	}
	var n int
	db.QueryRow(ctx, "SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided'").Scan(&n)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	b.Logf("generated and decided %d cases in %v (%.1f CPU-s): %s", n, time.Since(start), discretion.CPUSeconds()-cpu0, lines[len(lines)-1])
	var maxID int64
	db.QueryRow(ctx, "SELECT MAX(id) FROM discretion_cases").Scan(&maxID)
	rng := rand.New(rand.NewPCG(9, 9))
	var lat []time.Duration
	var found int
	b.ResetTimer()
	for b.Loop() {
		id := 1 + rng.Int64N(maxID)
		t0 := time.Now()
		rep, err := m.SimilarTo(ctx, id, 0)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		found += rep.Count
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p int) float64 { return float64(lat[(len(lat)-1)*p/100].Microseconds()) / 1000 }
	b.ReportMetric(q(50), "p50-ms")
	b.ReportMetric(q(95), "p95-ms")
	b.ReportMetric(q(99), "p99-ms")
	b.ReportMetric(float64(found)/float64(len(lat)), "similar/op")
}
