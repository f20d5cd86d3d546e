package discretion

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/results.jsonl from the current engine")

// goldenEngine builds an engine over the frozen copy of the reference data in
// testdata/golden, so that edits to data/ (new law versions, corrected
// texts) do not move the golden file; the golden file pins the engine's code.
func goldenEngine(t testing.TB) *Engine {
	t.Helper()
	cb, err := os.ReadFile(filepath.Join("testdata", "golden", "catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := os.ReadFile(filepath.Join("testdata", "golden", "indicators.json"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := ParseCatalogue(cb)
	if err != nil {
		t.Fatal(err)
	}
	ind, err := ParseIndicators(ib)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(cat, ind)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// goldenInputs is a fixed, seeded set of inputs: the benchmark's random
// cases, plus act dates spread over the law versions (从旧兼从轻), 减轻
// proposals and invalid inputs, so that errors are pinned too.
func goldenInputs(e *Engine) []Input {
	src := rand.New(rand.NewPCG(2026, 11))
	acts := []string{"1993-06-01", "1995-03-01", "2001-05-01", "2012-07-01", "2015-11-01", "2016-02-01", "2019-06-01", "2024-12-31", "2025-09-30", "2025-10-15", "2026-03-01", "2026-07-01"}
	var ins []Input
	for i := 0; i < 3000; i++ {
		in := randomInput(e, src)
		switch src.IntN(5) {
		case 0:
			in.ActDate = d(acts[src.IntN(len(acts))])
			in.DiscoveryDate = in.ActDate.AddDate(0, src.IntN(30), 0)
			in.Today = d("2026-06-01")
		case 1:
			p := src.Int64N(yuan(3_000_000))
			in.ProposedFen = &p
			if src.IntN(2) == 0 {
				in.ProposalReason = "结合案情酌定"
			}
		case 3:
			in.ElectExemption = true
			in.PriorsKnown = true
			in.PriorSameKind2Years = src.Int64N(2)
			in.PriorSameKind1Year = min(in.PriorSameKind2Years, src.Int64N(2))
			in.MajorPublicInterest, in.Complex = src.IntN(2) == 0, src.IntN(2) == 0
		case 2:
			in.Circumstances = append(in.Circumstances, e.Ind.Circumstances[src.IntN(len(e.Ind.Circumstances))].ID)
		}
		ins = append(ins, in)
	}
	return ins
}

type goldenRow struct {
	Input  Input   `json:"input"`
	Result *Result `json:"result,omitempty"`
	Err    string  `json:"error,omitempty"`
	Quick  *Result `json:"quick,omitempty"`
}

// TestGoldenResults proves that Compute and Quick give byte-identical JSON to
// the results recorded in testdata/golden/results.sha256, written before the
// engine's speed work. The file holds, per input, the SHA-256 of the JSON of
// {input, result or error, quick result} (the full JSON is 22 MB; the digest
// pins it byte for byte). Regenerate only on a deliberate change of results:
//
//	go test ./internal/discretion/ -run TestGoldenResults -update-golden
func TestGoldenResults(t *testing.T) {
	e := goldenEngine(t)
	var out bytes.Buffer
	var rows [][]byte
	for _, in := range goldenInputs(e) {
		row := goldenRow{Input: in}
		r, err := e.Compute(in)
		if err != nil {
			row.Err = err.Error()
		} else {
			row.Result = &r
			q, qerr := e.Quick(in)
			if qerr != nil {
				t.Fatalf("Quick failed where Compute did not: %v", qerr)
			}
			row.Quick = &q
		}
		b, err := json.Marshal(row)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, b)
		sum := sha256.Sum256(b)
		out.WriteString(hex.EncodeToString(sum[:]))
		out.WriteByte('\n')
	}
	path := filepath.Join("testdata", "golden", "results.sha256")
	if *updateGolden {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, exp := strings.Split(out.String(), "\n"), strings.Split(string(want), "\n")
	if len(got) != len(exp) {
		t.Fatalf("golden: %d rows, want %d", len(got), len(exp))
	}
	bad := 0
	for i := range got {
		if got[i] != exp[i] {
			if bad < 3 {
				t.Errorf("golden row %d differs (digest %s, want %s); its JSON now is:\n%s", i, got[i], exp[i], rows[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d golden rows differ", bad, len(rows))
	}
}

// TestConcurrentResultsIndependent runs the golden inputs on several
// goroutines at once: the reused explanation buffers must never leak one
// case's text into another's result.
func TestConcurrentResultsIndependent(t *testing.T) {
	e := goldenEngine(t)
	ins := goldenInputs(e)[:600]
	want := make([][]byte, len(ins))
	for i, in := range ins {
		r, err := e.Compute(in)
		if err == nil {
			want[i], _ = json.Marshal(r)
		}
	}
	const workers = 4
	errs := make(chan string, workers)
	for w := range workers {
		go func() {
			for k := range len(ins) {
				i := (k + w*len(ins)/workers) % len(ins)
				r, err := e.Compute(ins[i])
				if err != nil {
					continue
				}
				if got, _ := json.Marshal(r); !bytes.Equal(got, want[i]) {
					errs <- "input " + strconv.Itoa(i) + " differs when computed concurrently"
					return
				}
			}
			errs <- ""
		}()
	}
	for range workers {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
}

// TestWeightsEditedAfterParse: the weighted-sum text is prepared when the
// indicators are parsed; weights changed afterwards are still spelled out.
func TestWeightsEditedAfterParse(t *testing.T) {
	e := goldenEngine(t)
	in := base("uc-22")
	// before the 2025 revision the catalogue does not hold (acts after it are refused)
	in.ActDate, in.DiscoveryDate = d("2025-06-01"), d("2025-08-01")
	r1, err := e.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	w := e.Ind.Weights
	want := "加权综合：(" + strconv.FormatInt(w.Case, 10) + "×"
	if !strings.Contains(explain(r1), want) {
		t.Fatalf("explanation lacks %q", want)
	}
	e.Ind.Weights.Case, e.Ind.Weights.Common, e.Ind.Weights.Impact = 7, 2, 1
	r2, err := e.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(explain(r2), "加权综合：(7×") || !strings.Contains(explain(r2), ") ÷ 10 = ") {
		t.Errorf("edited weights not spelled out: %s", explain(r2))
	}
}
