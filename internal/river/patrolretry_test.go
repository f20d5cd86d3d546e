package river_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestOfflinePatrolSentAgain: a village chief's phone recorded a patrol offline three days
// ago (with a problem found) and uploads it when back in signal; the answer is lost and the
// phone sends it again, twice at once. One patrol and one problem are stored, the repeats
// answer 200 with the same patrol, and the 30-day compliance counts it once. A patrol of
// the same reach at another time is a new one (201); the page's form sent twice stores once.
func TestOfflinePatrolSentAgain(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, _, _, _ := patrolEnv(t, db)
		body := map[string]any{"reach_id": e.cdReach, "start": "2026-11-17 07:30", "end": "2026-11-17 08:10", "seen": "离线巡河",
			"problems": []map[string]any{{"category": "garbage", "description": "桥下堆放垃圾"}},
			"track":    []map[string]any{{"lat": 30.65, "lon": 104.06}, {"lat": 30.655, "lon": 104.065}}}
		var first patrolOut
		if st := e.api("cd-chief", "POST", "/api/v1/river/patrols", body, &first); st != http.StatusCreated || first.ID == 0 {
			t.Fatalf("first upload: %d %+v", st, first)
		}
		var wg sync.WaitGroup
		again := make([]patrolOut, 2)
		status := make([]int, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status[i] = e.API("cd-chief", "POST", "/api/v1/river/patrols", body, &again[i])
			}()
		}
		wg.Wait()
		for i := range 2 {
			if status[i] != http.StatusOK || again[i].ID != first.ID || len(again[i].ProblemIDs) != 1 || again[i].ProblemIDs[0] != first.ProblemIDs[0] {
				t.Fatalf("upload sent again: %d %+v, want 200 with patrol %d", status[i], again[i], first.ID)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_patrols"); n != 1 {
			t.Fatalf("%d patrols stored", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE description = '桥下堆放垃圾'"); n != 1 {
			t.Fatalf("%d problems stored", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND object_type = 'patrol'"); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
		var comp struct {
			Items []struct {
				Name string `json:"name"`
				Done int    `json:"done"`
			} `json:"items"`
		}
		e.api("cd-office", "GET", "/api/v1/river/patrols/compliance", nil, &comp)
		for _, it := range comp.Items {
			if it.Name == "张河长" && it.Done != 1 {
				t.Fatalf("compliance counts %d patrols of 张", it.Done)
			}
		}
		// another patrol of the reach, later the same morning: stored
		body["start"], body["end"] = "2026-11-17 09:00", "2026-11-17 09:30"
		delete(body, "problems")
		var second patrolOut
		if st := e.api("cd-chief", "POST", "/api/v1/river/patrols", body, &second); st != http.StatusCreated || second.ID == first.ID {
			t.Fatalf("a second patrol: %d %+v", st, second)
		}
		// the page's form sent twice
		c := e.login("cd-chief")
		form := url.Values{"csrf": {c.CSRF}, "reach_id": {itoa(e.cdReach)}, "start": {"2026-11-18T08:00"}, "end": {"2026-11-18T09:00"},
			"track": {"30.650,104.060\n30.655,104.065"}, "seen": {"河面整洁"}}
		for i := 0; i < 2; i++ {
			if resp, body := c.PostForm("/river/patrols", form); resp.StatusCode != 200 || !strings.Contains(body, "巡河记录已保存") {
				t.Fatalf("page upload %d: %d", i+1, resp.StatusCode)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_patrols WHERE started_at LIKE '2026-11-18%'"); n != 1 {
			t.Fatalf("the page's form sent twice stored %d patrols", n)
		}
	})
}
