package credit_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// bigSubjectsCSV has n subject rows of 成都 (锦江区); every 97th has a wrong
// check character and is rejected.
func bigSubjectsCSV(n int) ([]byte, int) {
	var b strings.Builder
	b.WriteString("统一社会信用代码,工商注册号,主体名称,主体类型,法定代表人,注册地址,所属地市,所属区县,登记状态,成立日期\n")
	bad := 0
	for i := 0; i < n; i++ {
		code := credit.MakeUSCC("91", "510104", fmt.Sprintf("3%07d", i))
		if i%97 == 0 {
			code, bad = wrongCheck(code), bad+1
		}
		fmt.Fprintf(&b, "%s,,成都测试%d号商贸有限公司,企业,王伟,成都市锦江区%d号,510100,510104,存续,2015-03-02\n", code, i, i)
	}
	return []byte(b.String()), bad
}

// noUploadWait makes uploads answer with the progress page at once (the
// module is shared by the tests of the package: the wait comes back after).
func (e *env) noUploadWait() {
	old := e.m.UploadWait
	e.m.UploadWait = 0
	e.t.Cleanup(func() { e.m.UploadWait = old })
}

func (c *client) upload(name string, content []byte) (int, string, string) {
	c.e.t.Helper()
	if resp, _ := c.get("/credit/import"); resp.StatusCode != http.StatusOK {
		c.e.t.Fatalf("import page: %d", resp.StatusCode)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	resp, err := c.Post(c.e.srv.URL+"/credit/import", mw.FormDataContentType(), &buf)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), body.String()
}

var jobAttr = regexp.MustCompile(`data-rows="(\d+)" data-accepted="(\d+)" data-rejected="(\d+)" data-done="(true|false)" data-batch="(\d+)"`)

type jobSnap struct {
	rows, accepted, rejected, batch int
	done                            bool
	polls                           bool // the fragment asks htmx to poll again
}

func parseJob(t *testing.T, frag string) jobSnap {
	t.Helper()
	m := jobAttr.FindStringSubmatch(frag)
	if m == nil {
		t.Fatalf("no job status in %.400s", frag)
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	return jobSnap{rows: n(m[1]), accepted: n(m[2]), rejected: n(m[3]), done: m[4] == "true", batch: n(m[5]),
		polls: strings.Contains(frag, `hx-trigger="every 1s"`) && strings.Contains(frag, `hx-get="/credit/import/jobs/`)}
}

// TestUploadProgress uploads a file of 30,000 rows, follows the progress
// page and its status fragment (what htmx polls every second) until the
// import ends: every answer adds up (rows = accepted + rejected, never going
// back), the page survives a reload, the fragment stops polling at the end
// and links the report, and the final counts match the file and the library.
func TestUploadProgress(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.noUploadWait()
		const n = 30000
		content, bad := bigSubjectsCSV(n)
		c := e.client("cd-credit")
		start := time.Now()
		st, loc, _ := c.upload("subjects-30000.csv", content)
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/credit/import/jobs/") {
			t.Fatalf("upload: %d %s", st, loc)
		}
		resp, page := c.get(loc)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("progress page: %d", resp.StatusCode)
		}
		contains(t, page, "subjects-30000.csv", `id="job-status"`)
		var (
			last         jobSnap
			intermediate int
			deadline     = time.Now().Add(2 * time.Minute)
		)
		for {
			resp, frag := c.get(loc + "/status")
			if resp.StatusCode != http.StatusOK || strings.Contains(frag, "<html") {
				t.Fatalf("status fragment: %d %.200s", resp.StatusCode, frag)
			}
			s := parseJob(t, frag)
			if s.rows != s.accepted+s.rejected || s.rows < last.rows || s.accepted < last.accepted || s.rejected < last.rejected || s.rows > n {
				t.Fatalf("inconsistent status %+v after %+v", s, last)
			}
			if s.polls == s.done {
				t.Fatalf("fragment polls=%v with done=%v", s.polls, s.done)
			}
			last = s
			if s.done {
				if !strings.Contains(frag, fmt.Sprintf(`href="/credit/batches/%d"`, s.batch)) || !strings.Contains(frag, "导入完成") {
					t.Errorf("final fragment lacks the report link: %.500s", frag)
				}
				break
			}
			if s.rows > 0 {
				intermediate++
			}
			if time.Now().After(deadline) {
				t.Fatalf("import not done after 2 minutes: %+v", s)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("%d rows uploaded and imported in %v; %d status answers while rows were being committed", n, time.Since(start).Round(time.Millisecond), intermediate)
		if last.rows != n || last.accepted != n-bad || last.rejected != bad {
			t.Errorf("final %+v, want rows %d accepted %d rejected %d", last, n, n-bad, bad)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_subjects"); got != n-bad {
			t.Errorf("library holds %d subjects, want %d", got, n-bad)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_batches WHERE id = ? AND status = 'done' AND accepted = ? AND rejected = ?", last.batch, n-bad, bad); got != 1 {
			t.Error("batch row does not hold the final counts")
		}
		// each committed chunk audited as the uploader
		if got := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND username = 'cd-credit'"); got < n/2000 {
			t.Errorf("%d import audit entries by the uploader, want at least %d", got, n/2000)
		}
		// a reload shows the finished job; another user's or an unknown job is not found
		_, page = c.get(loc)
		if s := parseJob(t, page); !s.done || s.accepted != n-bad {
			t.Errorf("reloaded page: %+v", s)
		}
		if resp, _ := e.client("dy-credit").get(loc + "/status"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another user's job: %d", resp.StatusCode)
		}
		if resp, page := c.get("/credit/import/jobs/0123456789abcdef01234567"); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "重新上传同一文件即可完成导入") {
			t.Errorf("unknown job: %d", resp.StatusCode)
		}
		_, page = c.get(fmt.Sprintf("/credit/batches/%d", last.batch))
		contains(t, page, fmt.Sprintf(`id="rows">%d<`, n), fmt.Sprintf(`id="rejected">%d<`, bad))
	})
}

// TestUploadRefusedFile: a file that is not CSV or .xlsx is refused with its
// Chinese reason, through the progress page when the import runs in the
// background, and nothing is stored.
func TestUploadRefusedFile(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client("cd-credit")
		xls := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), bytes.Repeat([]byte{0}, 600)...)
		st, loc0, page := c.upload("old.xls", xls)
		if st != http.StatusBadRequest || !strings.Contains(page, "旧版 Excel") {
			t.Errorf("waiting upload of an .xls: %d %s %.300s", st, loc0, page)
		}
		e.noUploadWait()
		st, loc, page := c.upload("old.xls", xls)
		if st == http.StatusSeeOther {
			for i := 0; i < 100; i++ {
				_, page = c.get(loc + "/status")
				if parseJob(t, page).done {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		if !strings.Contains(page, "旧版 Excel") {
			t.Errorf("background upload of an .xls: %d %.300s", st, page)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_batches"); n != 0 {
			t.Errorf("refused files opened %d batches", n)
		}
	})
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestUploadTooLarge: a 2 GB file sent to the upload form or the import API is
// refused with the sizes in Chinese before it is read (not as a missing CSRF
// token after reading it all), and nothing is stored.
func TestUploadTooLarge(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	c := e.client("cd-credit")
	c.get("/credit/import")
	send := func(path, token string, csrf bool) (int, string, time.Duration) {
		t.Helper()
		var head bytes.Buffer
		mw := multipart.NewWriter(&head)
		if csrf {
			mw.WriteField("csrf", c.csrf)
		}
		mw.CreateFormFile("file", "big.csv")
		head.WriteString("统一社会信用代码,主体名称\n")
		tail := "\r\n--" + mw.Boundary() + "--\r\n"
		const size = 2 << 30
		body := io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(zeros{}, size), strings.NewReader(tail))
		req, _ := http.NewRequest("POST", e.srv.URL+path, body)
		req.ContentLength = int64(head.Len()) + size + int64(len(tail))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), time.Since(start)
	}
	const msg = "上传的内容大小 2.0 GB，超过上限 256.0 MB，请拆分为多个文件后分别上传"
	st, page, took := send("/credit/import", "", true)
	if st != http.StatusRequestEntityTooLarge || !strings.Contains(page, msg) {
		t.Errorf("upload page: %d %.400s", st, page)
	}
	if took > 20*time.Second {
		t.Errorf("the refusal took %s: the body was read", took)
	}
	st, body, _ := send("/api/v1/credit/import", e.tokens["cd-credit"], false)
	if st != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"body_too_large"`) || !strings.Contains(body, msg) {
		t.Errorf("import API: %d %s", st, body)
	}
	if n := e.count("SELECT COUNT(*) FROM credit_batches"); n != 0 {
		t.Errorf("%d batches opened", n)
	}
}
