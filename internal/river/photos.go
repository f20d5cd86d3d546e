package river

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // decoder for image.Decode
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// Photo kinds.
const (
	PhotoReport = "report" // 现场照片, at report time
	PhotoAfter  = "after"  // 整改后照片, at 处理反馈
	PhotoPatrol = "patrol" // 巡河照片, stored with a patrol
)

// Photo limits: each file, the number per upload, the pixel dimensions.
const (
	MaxPhotoBytes  = 10 << 20
	MaxPhotos      = 9
	MaxPhotoSide   = 10000
	MaxPhotoPixels = 40_000_000
	MinPhotoSide   = 16
	photoBodyLimit = MaxPhotos*MaxPhotoBytes + 1<<20
	// MaxPublicPhotos is how many 现场照片 a member of the public may attach to a report.
	MaxPublicPhotos      = 3
	publicPhotoBodyLimit = MaxPublicPhotos*MaxPhotoBytes + 1<<20
	// ThumbSide is the longest side of a thumbnail (缩略图) in pixels.
	ThumbSide = 320
)

// Upload is a checked photo, not yet stored, with its thumbnail (JPEG).
type Upload struct {
	Name          string
	ContentType   string
	Width, Height int
	Data          []byte
	Thumb         []byte
	ThumbW        int
	ThumbH        int
}

// PhotoInfo is a stored photo without its bytes.
type PhotoInfo struct {
	ID          int64     `json:"id"`
	ProblemID   int64     `json:"problem_id"`
	PatrolID    int64     `json:"patrol_id,omitempty"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"content_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Size        int64     `json:"size"`
	Name        string    `json:"name"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
	ThumbURL    string    `json:"thumb_url"`
	ThumbWidth  int       `json:"thumb_width"`
	ThumbHeight int       `json:"thumb_height"`
}

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
)

func photoLabel(field string) string {
	if field == "after_photos" || field == PhotoAfter {
		return "整改后照片"
	}
	if field == PhotoPatrol {
		return "巡河照片"
	}
	return "现场照片"
}

// CheckPhoto accepts a JPEG or PNG by its magic bytes (not the name or the
// declared type), within the size limit, whose header decodes to plausible
// dimensions. The error is a FieldError naming the form field.
func CheckPhoto(field, name string, data []byte) (Upload, error) {
	return checkPhoto(field, photoLabel(field), name, data)
}

// checkPhoto is CheckPhoto with the photos' name in the messages (e.g. 巡河照片).
func checkPhoto(field, label, name string, data []byte) (Upload, error) {
	fail := func(format string, args ...any) (Upload, error) {
		return Upload{}, &auth.FieldError{Field: field, Message: label + "“" + name + "”" + fmt.Sprintf(format, args...)}
	}
	if len(data) == 0 {
		return fail("是空文件，请重新选择照片")
	}
	if len(data) > MaxPhotoBytes {
		return fail("大小 %.1f MB，超过上限 %d MB，请压缩后再上传", float64(len(data))/(1<<20), MaxPhotoBytes>>20)
	}
	var ct string
	switch {
	case bytes.HasPrefix(data, jpegMagic):
		ct = "image/jpeg"
	case bytes.HasPrefix(data, pngMagic):
		ct = "image/png"
	default:
		return fail("不是 JPEG 或 PNG 图片，请上传用手机或相机拍摄的 JPG/PNG 照片")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format == "jpeg") != (ct == "image/jpeg") {
		return fail("已损坏，无法读取图片内容，请重新拍摄或导出后上传")
	}
	if cfg.Width < MinPhotoSide || cfg.Height < MinPhotoSide {
		return fail("只有 %d×%d 像素，太小看不清，请上传原图", cfg.Width, cfg.Height)
	}
	if cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide || cfg.Width*cfg.Height > MaxPhotoPixels {
		return fail("有 %d×%d 像素，超过上限（边长 %d、总数 4000 万像素），请缩小后上传", cfg.Width, cfg.Height, MaxPhotoSide)
	}
	// the whole image must decode (a file cut short is refused here), and gives the thumbnail
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return fail("已损坏，无法读取图片内容，请重新拍摄或导出后上传")
	}
	thumb, tw, th, err := makeThumb(img)
	if err != nil {
		return Upload{}, err
	}
	return Upload{Name: name, ContentType: ct, Width: cfg.Width, Height: cfg.Height, Data: data, Thumb: thumb, ThumbW: tw, ThumbH: th}, nil
}

// thumbSize is the size of the thumbnail of a w×h photo: the longest side ThumbSide at
// most, the proportions kept, never larger than the photo.
func thumbSize(w, h int) (int, int) {
	if w <= ThumbSide && h <= ThumbSide {
		return w, h
	}
	if w >= h {
		return ThumbSide, max(1, (h*ThumbSide+w/2)/w)
	}
	return max(1, (w*ThumbSide+h/2)/h), ThumbSide
}

// makeThumb scales img down to thumbSize, each thumbnail pixel the mean of up to 4×4
// samples spread over the photo pixels it covers, on white where the photo is
// transparent, and encodes it as JPEG.
func makeThumb(img image.Image) ([]byte, int, int, error) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	tw, th := thumbSize(sw, sh)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := 0; y < th; y++ {
		y0, y1 := y*sh/th, max((y+1)*sh/th, y*sh/th+1)
		for x := 0; x < tw; x++ {
			x0, x1 := x*sw/tw, max((x+1)*sw/tw, x*sw/tw+1)
			nx, ny := min(4, x1-x0), min(4, y1-y0)
			var r, g, bl, n uint64
			for j := 0; j < ny; j++ {
				sy := y0 + (2*j+1)*(y1-y0)/(2*ny)
				for i := 0; i < nx; i++ {
					sx := x0 + (2*i+1)*(x1-x0)/(2*nx)
					cr, cg, cb, ca := img.At(b.Min.X+sx, b.Min.Y+sy).RGBA() // premultiplied
					white := 0xffff - ca
					r, g, bl, n = r+uint64(cr+white), g+uint64(cg+white), bl+uint64(cb+white), n+1
				}
			}
			off := dst.PixOffset(x, y)
			dst.Pix[off], dst.Pix[off+1], dst.Pix[off+2], dst.Pix[off+3] = uint8(r/n>>8), uint8(g/n>>8), uint8(bl/n>>8), 0xff
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, 0, 0, err
	}
	return out.Bytes(), tw, th, nil
}

// photosFromForm reads and checks the files of a multipart field; none is fine.
func photosFromForm(r *http.Request, field string) ([]Upload, error) {
	return photosUpTo(r, field, MaxPhotos)
}

// photosUpTo is photosFromForm with at most limit files.
func photosUpTo(r *http.Request, field string, limit int) ([]Upload, error) {
	return photosLabelled(r, field, photoLabel(field), limit)
}

// photosLabelled is photosUpTo with the photos' name in the messages.
func photosLabelled(r *http.Request, field, label string, limit int) ([]Upload, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil
	}
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, &auth.FieldError{Field: field, Message: fmt.Sprintf("%s总大小超过上限，一次最多上传 %d 张、每张不超过 %d MB", label, limit, MaxPhotoBytes>>20)}
			}
			return nil, &auth.FieldError{Field: field, Message: label + "上传不完整，请重新上传"}
		}
	}
	var files []*multipart.FileHeader
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Filename != "" || fh.Size > 0 {
			files = append(files, fh)
		}
	}
	if len(files) > limit {
		return nil, &auth.FieldError{Field: field, Message: fmt.Sprintf("%s一次最多上传 %d 张，您选择了 %d 张", label, limit, len(files))}
	}
	var out []Upload
	for _, fh := range files {
		if fh.Size > MaxPhotoBytes {
			return nil, &auth.FieldError{Field: field, Message: fmt.Sprintf("%s“%s”大小 %.1f MB，超过上限 %d MB，请压缩后再上传", label, fh.Filename, float64(fh.Size)/(1<<20), MaxPhotoBytes>>20)}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, MaxPhotoBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		u, err := checkPhoto(field, label, fh.Filename, data)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// publicUploader is who uploaded a photo of a public report.
const publicUploader = "公众"

// savePhotos stores checked photos of a problem inside the caller's
// transaction and returns their ids (as the workflow keeps them).
func savePhotos(ctx context.Context, q store.Querier, u *auth.User, problemID int64, regionCode, kind string, ups []Upload, now time.Time) ([]string, error) {
	ids, err := insertPhotos(ctx, q, u, problemID, 0, regionCode, kind, ups, now)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if err := audit.Log(ctx, q, audit.Entry{Action: "upload", Module: "river", ObjectType: "problem", ObjectID: strconv.FormatInt(problemID, 10), Region: regionCode,
			Detail: fmt.Sprintf("上传%s %d 张（编号 %s）", photoLabel(kind), len(ids), strings.Join(ids, "、"))}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// insertPhotos stores checked photos of a problem (patrolID 0) or of a patrol
// (problemID 0) inside the caller's transaction and returns their ids.
func insertPhotos(ctx context.Context, q store.Querier, u *auth.User, problemID, patrolID int64, regionCode, kind string, ups []Upload, now time.Time) ([]string, error) {
	var ids []string
	by := publicUploader
	if u != nil {
		by = u.Username
	}
	for _, p := range ups {
		id, err := store.InsertID(ctx, q, `INSERT INTO river_photos (problem_id, patrol_id, kind, content_type, width, height, size, name, data, thumb, thumb_width, thumb_height, region, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, problemID, patrolID, kind, p.ContentType, p.Width, p.Height, len(p.Data), clipName(p.Name), p.Data,
			p.Thumb, p.ThumbW, p.ThumbH, regionCode, by, store.Time(now))
		if err != nil {
			return nil, err
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	return ids, nil
}

func clipName(s string) string {
	if r := []rune(s); len(r) > 100 {
		return string(r[:100])
	}
	return s
}

// listPhotos lists a problem's photos; public keeps those of the public report only,
// with their addresses on its tracking page (no).
func listPhotos(ctx context.Context, q store.Querier, problemID int64) ([]PhotoInfo, error) {
	return photoList(ctx, q, problemID, "")
}

// photoCounts counts the photos of each of the problems (those with none are left out),
// from the photos' problem index alone.
func photoCounts(ctx context.Context, q store.Querier, list []*ProblemRow) (map[int64]int64, error) {
	if len(list) == 0 {
		return nil, nil
	}
	ids := make([]any, len(list))
	for i, p := range list {
		ids[i] = p.RowID
	}
	n, err := countBy(ctx, q, "SELECT CAST(problem_id AS TEXT), COUNT(*) FROM river_photos WHERE problem_id IN ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+") GROUP BY problem_id", ids...)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(n))
	for k, v := range n {
		id, _ := strconv.ParseInt(k, 10, 64)
		out[id] = v
	}
	return out, nil
}

func photoList(ctx context.Context, q store.Querier, problemID int64, publicNo string) ([]PhotoInfo, error) {
	where, args := "problem_id = ?", []any{problemID}
	if publicNo != "" {
		where, args = where+" AND kind = ? AND created_by = ?", append(args, PhotoReport, publicUploader)
	}
	return photoRows(ctx, q, where, args, publicNo)
}

// patrolPhotos lists the photos taken on a patrol (巡河照片).
func patrolPhotos(ctx context.Context, q store.Querier, patrolID int64) ([]PhotoInfo, error) {
	return photoRows(ctx, q, "patrol_id = ? AND problem_id = 0", []any{patrolID}, "")
}

func photoRows(ctx context.Context, q store.Querier, where string, args []any, publicNo string) ([]PhotoInfo, error) {
	rows, err := q.Query(ctx, "SELECT id, problem_id, patrol_id, kind, content_type, width, height, size, name, created_at FROM river_photos WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PhotoInfo
	for rows.Next() {
		var p PhotoInfo
		var at string
		if err := rows.Scan(&p.ID, &p.ProblemID, &p.PatrolID, &p.Kind, &p.ContentType, &p.Width, &p.Height, &p.Size, &p.Name, &at); err != nil {
			return nil, err
		}
		p.CreatedAt, p.URL = s2t(at), fmt.Sprintf("/river/photos/%d", p.ID)
		if publicNo != "" {
			p.URL = fmt.Sprintf("/river/public/track/%s/photos/%d", url.PathEscape(publicNo), p.ID)
		}
		p.ThumbURL = p.URL + "/thumb"
		p.ThumbWidth, p.ThumbHeight = thumbSize(p.Width, p.Height)
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddPhotos stores photos of a problem the user may change: 现场照片 until it
// is closed, 整改后照片 while the unit handles it (then named in 处理反馈).
func (m *Module) AddPhotos(ctx context.Context, u *auth.User, id int64, kind string, ups []Upload) ([]string, error) {
	if !u.HasAny("river", auth.Chief, auth.RiverOffice, auth.Admin) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "您没有上传问题照片的权限"}
	}
	field := "photos"
	if kind == PhotoAfter {
		field = "after_photos"
	} else if kind != PhotoReport {
		return nil, &auth.FieldError{Field: "kind", Message: "照片类型只能是 report（现场照片）或 after（整改后照片）"}
	}
	if len(ups) == 0 {
		return nil, &auth.FieldError{Field: field, Message: "请选择要上传的" + photoLabel(kind)}
	}
	var ids []string
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := getProblem(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canWriteProblem(u, p.Region, p.Region2) {
			return auth.ErrScope
		}
		if p.State.Final() || (kind == PhotoAfter && p.State != StateHandling) {
			return &web.HTTPError{Status: http.StatusConflict, Code: "not_allowed", Message: fmt.Sprintf("问题当前为“%s”，不能再上传%s", p.State, photoLabel(kind))}
		}
		ids, err = savePhotos(ctx, tx, u, p.RowID, p.Region, kind, ups, m.Now())
		return err
	})
	return ids, err
}

// ---- handlers ----

func (m *Module) photoPage(w http.ResponseWriter, r *http.Request)  { m.servePhoto(w, r, false) }
func (m *Module) photoThumb(w http.ResponseWriter, r *http.Request) { m.servePhoto(w, r, true) }

// servePhoto gives a photo, or its thumbnail, to those who may read its problem.
func (m *Module) servePhoto(w http.ResponseWriter, r *http.Request, thumb bool) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看问题照片")
		return
	}
	ph, err := m.photo(r.Context(), r.PathValue("id"), thumb)
	switch {
	case err == nil && ph.patrolID > 0 && ph.problemID == 0:
		_, err = m.patrolRow(r.Context(), u, ph.patrolID)
	case err == nil:
		_, err = m.visible(r.Context(), u, ph.problemID)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	ph.write(w)
}

// publicPhoto gives a photo the public attached to its report, or its thumbnail, on
// the tracking page of that report only.
func (m *Module) publicPhoto(w http.ResponseWriter, r *http.Request) {
	p, err := getProblemByNo(r.Context(), m.d.DB, strings.TrimSpace(r.PathValue("no")))
	var ph *photoBytes
	if err == nil {
		ph, err = m.photo(r.Context(), r.PathValue("id"), strings.HasSuffix(r.URL.Path, "/thumb"))
	}
	if err == nil && (ph.problemID != p.RowID || !ph.public()) {
		err = store.ErrNotFound
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	ph.write(w)
}

type photoBytes struct {
	problemID   int64
	patrolID    int64
	kind, by    string
	contentType string
	data        []byte
}

// public says the photo came with a public report (公众举报).
func (p *photoBytes) public() bool { return p.kind == PhotoReport && p.by == publicUploader }

func (p *photoBytes) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", p.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(p.data)))
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", "inline")
	w.Write(p.data)
}

// photo reads the photo with id (the path value), or its thumbnail; a photo stored
// before thumbnails has its thumbnail made and stored now.
func (m *Module) photo(ctx context.Context, idText string, thumb bool) (*photoBytes, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, store.ErrNotFound
	}
	col := "data"
	if thumb {
		col = "thumb"
	}
	var p photoBytes
	err = m.d.DB.QueryRow(ctx, "SELECT problem_id, patrol_id, kind, created_by, content_type, "+col+" FROM river_photos WHERE id = ?", id).Scan(&p.problemID, &p.patrolID, &p.kind, &p.by, &p.contentType, &p.data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil || !thumb {
		return &p, err
	}
	p.contentType = "image/jpeg"
	if len(p.data) > 0 {
		return &p, nil
	}
	var full []byte
	if err := m.d.DB.QueryRow(ctx, "SELECT data FROM river_photos WHERE id = ?", id).Scan(&full); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(full))
	if err != nil {
		return nil, fmt.Errorf("照片 %d 无法读取：%w", id, err)
	}
	data, tw, th, err := makeThumb(img)
	if err != nil {
		return nil, err
	}
	if _, err := m.d.DB.Exec(ctx, "UPDATE river_photos SET thumb = ?, thumb_width = ?, thumb_height = ? WHERE id = ?", data, tw, th, id); err != nil {
		return nil, err
	}
	p.data = data
	return &p, nil
}

func (m *Module) photoForm(w http.ResponseWriter, r *http.Request) {
	id, err := problemID(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	kind := r.FormValue("kind")
	field := "photos"
	if kind == PhotoAfter {
		field = "after_photos"
	}
	ups, err := photosFromForm(r, field)
	if err == nil {
		_, err = m.AddPhotos(r.Context(), web.User(r), id, kind, ups)
	}
	if err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest || he.Status == http.StatusConflict {
			m.renderProblem(w, r, he.Status, he.Message)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/river/problems/%d", id), http.StatusSeeOther)
}

// feedbackForm is 处理反馈 with the after-photos uploaded in the same form:
// the photos and the transition are stored in one transaction, or nothing is.
func (m *Module) feedbackForm(w http.ResponseWriter, r *http.Request) {
	id, err := problemID(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	if _, err := m.feedbackWithPhotos(r, id); err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest || he.Status == http.StatusConflict {
			m.renderProblem(w, r, he.Status, he.Message)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/river/problems/%d", id), http.StatusSeeOther)
}

func (m *Module) apiPhotos(w http.ResponseWriter, r *http.Request) {
	id, err := problemID(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	kind := r.FormValue("kind")
	if kind == "" {
		kind = PhotoReport
	}
	field := "photos"
	if kind == PhotoAfter {
		field = "after_photos"
	}
	ups, err := photosFromForm(r, field)
	var ids []string
	if err == nil {
		ids, err = m.AddPhotos(r.Context(), web.User(r), id, kind, ups)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"ids": ids})
}

func (m *Module) apiListPhotos(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看问题照片")
		return
	}
	id, err := problemID(r)
	if err == nil {
		_, err = m.visible(r.Context(), u, id)
	}
	var list []PhotoInfo
	if err == nil {
		list, err = listPhotos(r.Context(), m.d.DB, id)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	if list == nil {
		list = []PhotoInfo{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"photos": list})
}

// checkAfterPhotos: the photos a 处理反馈 names must be 整改后照片 uploaded to this problem.
func checkAfterPhotos(ctx context.Context, q store.Querier, problemID int64, ids []string) error {
	for _, s := range ids {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		n := 0
		if err == nil {
			if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM river_photos WHERE id = ? AND problem_id = ? AND kind = 'after'", id, problemID).Scan(&n); err != nil {
				return err
			}
		}
		if n == 0 {
			return &auth.FieldError{Field: "photos", Message: fmt.Sprintf("整改后照片“%s”不是本问题已上传的整改后照片，请先上传照片（kind=after）再用返回的编号反馈", s)}
		}
	}
	return nil
}
