package river

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// The 河长办 keeps the chiefs register: a new chief (河长) is entered with level, region,
// post and superior, and a reach (河段) is given to a chief. Both only within the office's
// own region, both audited.

// NewChiefInput is what the 河长办 enters for a new chief.
type NewChiefInput struct {
	Name     string `json:"name"`
	Level    int    `json:"level"`
	Region   string `json:"region"`
	Place    string `json:"place"` // 乡镇或村
	Title    string `json:"title"` // 职务
	Phone    string `json:"phone"`
	ParentID int64  `json:"parent_id"`
}

var errNotOffice = &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以登记河长或调整河段的河长"}

// CreateChief registers a chief in the user's region or below.
func (m *Module) CreateChief(ctx context.Context, u *auth.User, in NewChiefInput) (*ChiefInfo, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	in.Name, in.Place, in.Title, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Place), strings.TrimSpace(in.Title), strings.TrimSpace(in.Phone)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 40 {
		return nil, &auth.FieldError{Field: "name", Message: "请填写河长姓名（40 字以内）"}
	}
	if !region.Valid(in.Region) {
		return nil, &auth.FieldError{Field: "region", Message: "请选择河长所属的行政区划"}
	}
	if !u.CanWrite(in.Region) {
		return nil, auth.ErrScope
	}
	if in.Level < int(LevelProvince) || in.Level > int(LevelVillage) {
		return nil, &auth.FieldError{Field: "level", Message: "河长层级只能是省级、市级、县级、乡级或村级"}
	}
	if in.Level >= int(LevelTownship) && in.Place == "" {
		return nil, &auth.FieldError{Field: "place", Message: "乡级、村级河长请填写所在乡镇或村"}
	}
	c := &ChiefInfo{Name: in.Name, Level: Level(in.Level), Region: in.Region, Place: in.Place, Title: in.Title, Phone: in.Phone, ParentID: in.ParentID}
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := registerChief(ctx, tx, c); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "river", ObjectType: "chief", ObjectID: fmt.Sprint(c.ID), Region: c.Region,
			Detail: fmt.Sprintf("登记%s %s（%s）", c.Level, c.Name, region.FullName(c.Region))})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AssignReach gives the reach with code to chief; the reach must lie in the user's region
// and within the chief's region.
func (m *Module) AssignReach(ctx context.Context, u *auth.User, code string, chiefID int64) (*Reach, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	var out *Reach
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := getReach(ctx, tx, "code", code)
		if err != nil {
			return err
		}
		if !u.CanWrite(r.Region) {
			return auth.ErrScope
		}
		c, err := getChief(ctx, tx, chiefID)
		if errors.Is(err, store.ErrNotFound) {
			return &auth.FieldError{Field: "chief_id", Message: "所选河长不存在，请重新选择"}
		} else if err != nil {
			return err
		}
		if !region.Within(r.Region, c.Region) {
			return &auth.FieldError{Field: "chief_id", Message: fmt.Sprintf("河段在%s，所选河长属%s，请选择本辖区的河长", region.FullName(r.Region), region.FullName(c.Region))}
		}
		if _, err := tx.Exec(ctx, "UPDATE river_reaches SET chief_id = ? WHERE id = ?", c.ID, r.ID); err != nil {
			return err
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "update", Module: "river", ObjectType: "reach", ObjectID: r.Code, Region: r.Region,
			Detail: fmt.Sprintf("河段 %s 的河长由 %s 改为 %s", r.Name, orNone(r.ChiefName), c.Name)}); err != nil {
			return err
		}
		out, err = getReach(ctx, tx, "code", code)
		return err
	})
	return out, err
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}

func (m *Module) apiChiefCreate(w http.ResponseWriter, r *http.Request) {
	var in NewChiefInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Reply(w, r, http.StatusCreated)(m.CreateChief(r.Context(), web.User(r), in))
}

func (m *Module) apiReachChief(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ChiefID int64 `json:"chief_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.AssignReach(r.Context(), web.User(r), r.PathValue("code"), in.ChiefID))
}

// ChiefChange is what the 河长办 may change of a registered chief: the person (after a
// change of post), the post, the contact and the township or village. Level and region
// stay: a chief of another level or unit is a new entry in the register.
type ChiefChange struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Phone string `json:"phone"`
	Place string `json:"place"`
}

// UpdateChief changes a chief of the user's region or below.
func (m *Module) UpdateChief(ctx context.Context, u *auth.User, id int64, in ChiefChange) (*ChiefInfo, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	in.Name, in.Title, in.Phone, in.Place = strings.TrimSpace(in.Name), strings.TrimSpace(in.Title), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Place)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 40 {
		return nil, &auth.FieldError{Field: "name", Message: "请填写河长姓名（40 字以内）"}
	}
	var out *ChiefInfo
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := getChief(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.CanWrite(c.Region) {
			return auth.ErrScope
		}
		if c.Level >= LevelTownship && in.Place == "" {
			return &auth.FieldError{Field: "place", Message: "乡级、村级河长请填写所在乡镇或村"}
		}
		if _, err := tx.Exec(ctx, "UPDATE river_chiefs SET name = ?, title = ?, phone = ?, place = ? WHERE id = ?", in.Name, in.Title, in.Phone, in.Place, id); err != nil {
			return err
		}
		var changes []string
		for _, d := range [][3]string{{"姓名", c.Name, in.Name}, {"职务", c.Title, in.Title}, {"电话", c.Phone, in.Phone}, {"乡镇或村", c.Place, in.Place}} {
			if d[1] != d[2] {
				changes = append(changes, fmt.Sprintf("%s：%s → %s", d[0], orNone(d[1]), orNone(d[2])))
			}
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "update", Module: "river", ObjectType: "chief", ObjectID: fmt.Sprint(id), Region: c.Region,
			Detail: "修改河长信息：" + orNone(strings.Join(changes, "；"))}); err != nil {
			return err
		}
		out, err = getChief(ctx, tx, id)
		return err
	})
	return out, err
}

func (m *Module) apiChiefUpdate(w http.ResponseWriter, r *http.Request) {
	var in ChiefChange
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.DecodeJSON(r, &in)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.UpdateChief(r.Context(), web.User(r), id, in))
}
