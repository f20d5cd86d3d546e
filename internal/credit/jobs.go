package credit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/web"
)

// importJob is an upload being imported in the background. Jobs live in
// memory: after a restart the page says so, and uploading the same file again
// completes the batch (imports are resumable by file hash).
type importJob struct {
	ID       string
	UserID   int64
	Region   string
	FileName string
	Size     int64
	Started  time.Time

	bytesRead atomic.Int64

	mu       sync.Mutex
	batchID  int64
	rows     int
	accepted int
	rejected int
	done     bool
	failed   string // Chinese message of a failed import
	finished time.Time
	doneCh   chan struct{}
}

// JobStatus is a snapshot of an import job.
type JobStatus struct {
	ID        string `json:"id"`
	FileName  string `json:"file_name"`
	Size      int64  `json:"size"`
	BytesRead int64  `json:"bytes_read"`
	BatchID   int64  `json:"batch_id"`
	Rows      int    `json:"rows"`
	Accepted  int    `json:"accepted"`
	Rejected  int    `json:"rejected"`
	Done      bool   `json:"done"`
	Failed    string `json:"failed,omitempty"`
	Seconds   int    `json:"seconds"`
}

// Percent is how much of the file has been read (CSV; an .xlsx is unzipped first).
func (s JobStatus) Percent() int {
	if s.Done && s.Failed == "" {
		return 100
	}
	if s.Size <= 0 {
		return 0
	}
	p := int(s.BytesRead * 100 / s.Size)
	if p > 99 {
		p = 99
	}
	return p
}

func (j *importJob) status() JobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	end := time.Now()
	if j.done {
		end = j.finished
	}
	return JobStatus{ID: j.ID, FileName: j.FileName, Size: j.Size, BytesRead: j.bytesRead.Load(), BatchID: j.batchID,
		Rows: j.rows, Accepted: j.accepted, Rejected: j.rejected, Done: j.done, Failed: j.failed, Seconds: int(end.Sub(j.Started).Seconds())}
}

// jobs holds the import jobs of this process.
type jobs struct {
	mu sync.Mutex
	m  map[string]*importJob
}

// keepJobs is how long a finished job's status stays available.
const keepJobs = 6 * time.Hour

func (js *jobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.m == nil {
		js.m = map[string]*importJob{}
	}
	for id, old := range js.m {
		old.mu.Lock()
		stale := old.done && time.Since(old.finished) > keepJobs
		old.mu.Unlock()
		if stale {
			delete(js.m, id)
		}
	}
	js.m[j.ID] = j
}

func (js *jobs) get(id string) *importJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.m[id]
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func newJobID() string { return auth.RandomHex(12) }

// startImport copies the upload to a temporary file (the request's copy goes
// with the request), then imports it in the background, in chunks of
// chunkRows rows, each committed and audited as the importer does.
func (m *Module) startImport(ctx context.Context, src io.Reader, name string, u *auth.User) (*importJob, error) {
	tmp, err := os.CreateTemp("", "tongcheng-credit-upload-*")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	j := &importJob{ID: newJobID(), UserID: u.ID, Region: u.Region, FileName: name, Size: size, Started: time.Now(), doneCh: make(chan struct{})}
	m.jobs.add(j)
	im := m.importer(m.d)
	im.Chunk = func(batchID int64, rows, accepted, rejected int) {
		j.mu.Lock()
		j.batchID, j.rows, j.accepted, j.rejected = batchID, rows, accepted, rejected
		j.mu.Unlock()
	}
	// the import outlives the request but keeps its values (the audit actor);
	// it is stopped after importTimeout (rows are checked against it one by one)
	bg, stop := context.WithTimeout(context.WithoutCancel(ctx), importTimeout)
	go func() {
		defer stop()
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		res, err := im.Import(bg, countingReader{tmp, &j.bytesRead}, size, name, hex.EncodeToString(h.Sum(nil)), u)
		j.mu.Lock()
		defer j.mu.Unlock()
		if res != nil {
			j.batchID, j.rows, j.accepted, j.rejected = res.BatchID, res.Rows, res.Accepted, res.Rejected
		}
		if err != nil {
			var fe *FileError
			switch {
			case errors.As(err, &fe):
				j.failed = fe.Reason
			case errors.Is(err, context.DeadlineExceeded):
				j.failed = "导入超过 2 小时仍未完成，已停止：已提交的部分保持完整，重新上传同一文件即可继续"
			default:
				m.d.Log.Error("credit import", "file", name, "err", err)
				j.failed = "导入中断：已提交的部分保持完整，重新上传同一文件即可完成"
			}
		}
		j.done, j.finished = true, time.Now()
		close(j.doneCh)
	}()
	return j, nil
}

// importTimeout bounds a background import (1.38 million rows take well
// under a minute; a file that needs hours is not a file departments send).
const importTimeout = 2 * time.Hour

// uploadWaitDefault is how long an upload waits for its import before
// answering with the progress page: small files go straight to their result.
const uploadWaitDefault = 2 * time.Second

func (m *Module) importUpload(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "导入信用数据")
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		m.d.Web.Fail(w, r, &auth.FieldError{Field: "file", Message: "请选择要上传的 CSV 或 .xlsx 文件"})
		return
	}
	defer f.Close()
	j, err := m.startImport(r.Context(), f, fh.Filename, u)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	st, err := m.waitJob(j)
	switch {
	case err != nil:
		m.d.Web.Fail(w, r, err)
	case st.Done && st.Failed == "":
		http.Redirect(w, r, "/credit/batches/"+strconv.FormatInt(st.BatchID, 10), http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/credit/import/jobs/"+j.ID, http.StatusSeeOther)
	}
}

// waitJob waits up to UploadWait for an import just started and returns its
// status; a file refused as a whole (nothing stored) is returned as the error
// to answer with.
func (m *Module) waitJob(j *importJob) (JobStatus, error) {
	select {
	case <-j.doneCh:
	case <-time.After(m.UploadWait):
	}
	st := j.status()
	if st.Done && st.Failed != "" && st.BatchID == 0 {
		return st, &web.HTTPError{Status: http.StatusBadRequest, Code: "file", Message: st.Failed, Field: "file"}
	}
	return st, nil
}

// job finds the caller's job; another user's job is not found.
func (m *Module) job(w http.ResponseWriter, r *http.Request) *importJob {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "导入信用数据")
		return nil
	}
	j := m.jobs.get(r.PathValue("id"))
	if j == nil || j.UserID != u.ID {
		m.d.Web.Fail(w, r, &web.HTTPError{Status: http.StatusNotFound, Code: "not_found",
			Message: "找不到该导入任务（服务可能已重启）。已提交的部分已保存，重新上传同一文件即可完成导入"})
		return nil
	}
	return j
}

func (m *Module) jobPage(w http.ResponseWriter, r *http.Request) {
	j := m.job(w, r)
	if j == nil {
		return
	}
	st := j.status()
	frag, err := m.jobFragment(st)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/job.html", "导入进度 · "+st.FileName, map[string]any{"Status": st, "Fragment": frag})
}

// jobStatus is the fragment the progress page polls (htmx, every second);
// once the job is done the fragment no longer polls.
func (m *Module) jobStatus(w http.ResponseWriter, r *http.Request) {
	j := m.job(w, r)
	if j == nil {
		return
	}
	frag, err := m.jobFragment(j.status())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(frag))
}

var jobTemplate = template.Must(template.New("job").Parse(`<div id="job-status" class="card" data-rows="{{.Rows}}" data-accepted="{{.Accepted}}" data-rejected="{{.Rejected}}" data-done="{{.Done}}" data-batch="{{.BatchID}}"` +
	`{{if not .Done}} hx-get="/credit/import/jobs/{{.ID}}/status" hx-trigger="every 1s" hx-swap="outerHTML"{{end}} aria-live="polite">
<p>{{.FileName}}：{{if .Done}}{{if .Failed}}<strong class="bad">{{.Failed}}</strong>{{else}}导入完成{{end}}{{else}}正在导入……{{end}}（用时 {{.Seconds}} 秒）</p>
<progress max="100" value="{{.Percent}}">{{.Percent}}%</progress> <span id="job-percent">{{.Percent}}%</span>
<p>已处理 <strong id="job-rows">{{.Rows}}</strong> 行：保存 <strong id="job-accepted">{{.Accepted}}</strong> 行，拒收 <strong id="job-rejected">{{.Rejected}}</strong> 行。</p>
{{if .Done}}{{if .BatchID}}<p><a class="btn" id="job-report" href="/credit/batches/{{.BatchID}}">查看导入结果和拒收报告</a></p>{{end}}{{else}}<p class="muted">每 2,000 行提交一次；可以离开或刷新本页，导入在服务器上继续。</p>{{end}}
</div>`))

func (m *Module) jobFragment(st JobStatus) (template.HTML, error) {
	var b bytes.Buffer
	if err := jobTemplate.Execute(&b, st); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
