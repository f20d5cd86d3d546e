package river

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// Chief is a river chief (河长) with the place in the hierarchy (河长关系树):
// the chief one level up, the post, the township or village below the county.
type ChiefInfo struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Level     Level  `json:"level"`
	LevelName string `json:"level_name"`
	Region    string `json:"region"`
	City      string `json:"city"`
	Place     string `json:"place,omitempty"` // 乡镇或村（区县以下没有区划代码）
	Title     string `json:"title,omitempty"` // 职务
	ParentID  int64  `json:"parent_id"`
	UserID    int64  `json:"-"`
	Phone     string `json:"-"` // shown only to the 河长办 of the chief's region
	Reaches   int64  `json:"reaches"`
	Children  int64  `json:"children"`
	// 卸任: the day (Asia/Shanghai) the chief left office and why; empty while in office
	RetiredOn    string `json:"retired_on,omitempty"`
	RetireReason string `json:"retire_reason,omitempty"`
}

// Retired says the chief has left office (已卸任).
func (c *ChiefInfo) Retired() bool { return c.RetiredOn != "" }

// retiredDay is the stored 卸任 time as the day it is shown.
func retiredDay(at string) string {
	if at == "" {
		return ""
	}
	return s2t(at).In(shanghai).Format("2006-01-02")
}

// Where is the chief's unit in words: the county (or city) and the township or village.
func (c *ChiefInfo) Where() string {
	s := region.FullName(c.Region)
	if c.Place != "" {
		s += c.Place
	}
	return s
}

const chiefCols = `c.id, c.name, c.level, c.region, c.city, c.place, c.title, c.parent_id, c.user_id, c.phone, c.retired_at, c.retire_reason`

func scanChief(sc interface{ Scan(...any) error }, more ...any) (*ChiefInfo, error) {
	var c ChiefInfo
	var lvl int
	var retired string
	if err := sc.Scan(append([]any{&c.ID, &c.Name, &lvl, &c.Region, &c.City, &c.Place, &c.Title, &c.ParentID, &c.UserID, &c.Phone, &retired, &c.RetireReason}, more...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	c.Level = Level(lvl)
	c.LevelName = c.Level.String()
	c.RetiredOn = retiredDay(retired)
	return &c, nil
}

func getChief(ctx context.Context, q store.Querier, id int64) (*ChiefInfo, error) {
	return scanChief(q.QueryRow(ctx, "SELECT "+chiefCols+" FROM river_chiefs c WHERE c.id = ?", id))
}

// ChiefChain returns the chiefs from the chief's parent up to the top (省 or the
// highest linked), nearest first. A broken or looping link ends the chain.
func ChiefChain(ctx context.Context, q store.Querier, c *ChiefInfo) ([]*ChiefInfo, error) {
	var out []*ChiefInfo
	seen := map[int64]bool{c.ID: true}
	for p := c.ParentID; p != 0 && !seen[p] && len(out) < 8; {
		seen[p] = true
		up, err := getChief(ctx, q, p)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, up)
		p = up.ParentID
	}
	return out, nil
}

// TreeNode is a chief in the tree below another.
type TreeNode struct {
	ChiefInfo
	Depth int         `json:"depth"` // 0 for the chief the tree is drawn from
	Kids  []*TreeNode `json:"children_nodes,omitempty"`
}

// ChiefTree returns the tree below a chief, level by level, with at most max
// nodes (the chief included); total counts the whole tree and truncated says
// that some were left out. Every node's Children is its number of direct
// subordinates, drawn or not.
//
// The tree is the chiefs in office (在任): a chief who has left office (卸任) is not drawn
// or counted below another, nor are the chiefs still linked below it (RetireResult.Unlinked:
// left without an in-office superior); those show on the retired chief's own page, whose
// tree is drawn from it.
func ChiefTree(ctx context.Context, q store.Querier, root *ChiefInfo, max int) (node *TreeNode, total int, truncated bool, err error) {
	rc, err := getChief(ctx, q, root.ID)
	if err != nil {
		return nil, 0, false, err
	}
	top := &TreeNode{ChiefInfo: *rc}
	all := []*TreeNode{top}
	frontier := []*TreeNode{top}
	seen := map[int64]bool{top.ID: true}
	rootKnown, looped := false, false
	for depth := 1; depth <= 6 && len(frontier) > 0 && len(all) < max; depth++ {
		byID := map[int64]*TreeNode{}
		ids := make([]any, 0, len(frontier))
		for _, n := range frontier {
			byID[n.ID] = n
			ids = append(ids, n.ID)
		}
		var next []*TreeNode
		full := true
		for lo := 0; lo < len(ids); lo += 500 {
			if len(all) >= max {
				full = false
				break
			}
			part := ids[lo:min(lo+500, len(ids))]
			// the subordinates in order, at most one more than there is room for (to know
			// whether the round was cut short), chosen from the index alone; then their
			// rows, each with its own number of subordinates in office
			rows, err := q.Query(ctx, "SELECT "+chiefCols+`, (SELECT COUNT(*) FROM river_chiefs k WHERE k.parent_id = c.id AND k.retired_at = '')
				FROM (SELECT id FROM river_chiefs WHERE parent_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+
				") AND retired_at = '' ORDER BY level, region, id LIMIT "+strconv.Itoa(max-len(all)+1)+`) x
				JOIN river_chiefs c ON c.id = x.id ORDER BY c.level, c.region, c.id`, part...)
			if err != nil {
				return nil, 0, false, err
			}
			for rows.Next() {
				var kids int64
				c, err := scanChief(rows, &kids)
				if err != nil {
					rows.Close()
					return nil, 0, false, err
				}
				if seen[c.ID] {
					looped = true
					continue
				}
				if len(all) >= max {
					full = false
					break
				}
				seen[c.ID] = true
				c.Children = kids
				n := &TreeNode{ChiefInfo: *c, Depth: depth}
				byID[c.ParentID].Kids = append(byID[c.ParentID].Kids, n)
				all = append(all, n)
				next = append(next, n)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, 0, false, err
			}
		}
		if depth == 1 && full {
			rootKnown = true
		}
		frontier = next
	}
	// the chief's own subordinates in office: those drawn, unless some were left out
	if rootKnown && !looped {
		top.Children = int64(len(top.Kids))
	} else if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM river_chiefs WHERE parent_id = ? AND retired_at = ''", top.ID).Scan(&top.Children); err != nil {
		return nil, 0, false, err
	}
	// every node drawn and every subordinate read: the drawn tree is the whole tree
	if len(frontier) == 0 && !looped {
		return top, len(all), false, nil
	}
	if err := q.QueryRow(ctx, `WITH RECURSIVE sub(id, depth) AS (
		SELECT id, 0 FROM river_chiefs WHERE id = ?
		UNION ALL SELECT c.id, sub.depth + 1 FROM river_chiefs c JOIN sub ON c.parent_id = sub.id WHERE c.retired_at = '' AND sub.depth < 6)
		SELECT COUNT(*) FROM sub`, top.ID).Scan(&total); err != nil {
		return nil, 0, false, err
	}
	return top, total, total > len(all), nil
}

// ChiefFilter selects chiefs for the list.
type ChiefFilter struct {
	Region string // within this region ("" or the province = all)
	Level  Level
	Name   string
	Status string // "active" 在任 (the roster's default), "retired" 已卸任, "" both
	After  int64  // paging: id > After
	Limit  int
}

func listChiefs(ctx context.Context, q store.Querier, f ChiefFilter) ([]*ChiefInfo, error) {
	var w []string
	var args []any
	if f.Region != "" && f.Region != region.ProvinceCode {
		w, args = append(w, "c.region LIKE ?"), append(args, scopePrefix(f.Region)+"%")
	}
	if f.Level > 0 {
		w, args = append(w, "c.level = ?"), append(args, int(f.Level))
	}
	if n := strings.TrimSpace(f.Name); n != "" {
		w, args = append(w, "(c.name LIKE ? OR c.place LIKE ?)"), append(args, "%"+n+"%", "%"+n+"%")
	}
	switch f.Status {
	case "active":
		w = append(w, "c.retired_at = ''")
	case "retired":
		w = append(w, "c.retired_at <> ''")
	}
	if f.After > 0 {
		w, args = append(w, "c.id > ?"), append(args, f.After)
	}
	where := ""
	if len(w) > 0 {
		where = " WHERE " + strings.Join(w, " AND ")
	}
	lim := f.Limit
	if lim <= 0 || lim > 500 {
		lim = 100
	}
	rows, err := q.Query(ctx, "SELECT "+chiefCols+`, (SELECT COUNT(*) FROM river_reaches r WHERE r.chief_id = c.id)
		FROM river_chiefs c`+where+" ORDER BY c.id LIMIT "+strconv.Itoa(lim), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*ChiefInfo{}
	for rows.Next() {
		var n int64
		c, err := scanChief(rows, &n)
		if err != nil {
			return nil, err
		}
		c.Reaches = n
		out = append(out, c)
	}
	return out, rows.Err()
}

// chiefReaches lists the reaches a chief owns.
func chiefReaches(ctx context.Context, q store.Querier, chiefID int64) ([]Reach, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.code, r.river_id, COALESCE(v.name, ''), r.name, r.region, r.region2, r.duties, r.phone
		FROM river_reaches r LEFT JOIN river_rivers v ON v.id = r.river_id WHERE r.chief_id = ? ORDER BY r.id LIMIT 200`, chiefID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Reach{}
	for rows.Next() {
		var r Reach
		if err := rows.Scan(&r.ID, &r.Code, &r.RiverID, &r.RiverName, &r.Name, &r.Region, &r.Region2, &r.Duties, &r.Phone); err != nil {
			return nil, err
		}
		r.ChiefID = chiefID
		out = append(out, r)
	}
	return out, rows.Err()
}

// Staff is a member of a 河长办 (river-chief office).
type Staff struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Level     Level  `json:"level"`
	LevelName string `json:"level_name"`
	Region    string `json:"region"`
	Place     string `json:"place,omitempty"`
	Post      string `json:"post"`
	Phone     string `json:"phone"` // the office's public contact number
}

// listStaff lists the 河长办 staff within a region ("" = all), by level and region.
func listStaff(ctx context.Context, q store.Querier, scope string, level Level, limit int) ([]Staff, error) {
	var w []string
	var args []any
	if scope != "" && scope != region.ProvinceCode {
		// the offices above the region (its city, the province) are listed too: that is where its problems go up
		p := scopePrefix(scope) + "%"
		w, args = append(w, "(region LIKE ? OR region = ? OR region = ?)"), append(args, p, region.CityOf(scope), region.ProvinceCode)
	}
	if level > 0 {
		w, args = append(w, "level = ?"), append(args, int(level))
	}
	where := ""
	if len(w) > 0 {
		where = " WHERE " + strings.Join(w, " AND ")
	}
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	rows, err := q.Query(ctx, "SELECT id, name, level, region, place, post, phone FROM river_office_staff"+where+
		" ORDER BY level, region, place, id LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Staff{}
	for rows.Next() {
		var s Staff
		var lvl int
		if err := rows.Scan(&s.ID, &s.Name, &lvl, &s.Region, &s.Place, &s.Post, &s.Phone); err != nil {
			return nil, err
		}
		s.Level = Level(lvl)
		s.LevelName = s.Level.String()
		out = append(out, s)
	}
	return out, rows.Err()
}

// ChiefLink is what LinkChiefs needs of a chief: its id, level, region and place.
type ChiefLink struct {
	ID     int64
	Level  Level
	Region string // 省 510000, a city, or a county (乡级、村级 too)
	Parent int64
}

// LinkChiefs gives every chief its chief one level up (上级河长): a 村级 chief
// the 乡级 chiefs of its county, a 乡级 chief the 县级 chiefs of its county, a
// 县级 chief the 市级 chiefs of its city, a 市级 chief the 省级 chiefs. Where a
// unit has no chief at the level above, the next level up serves. Among several
// candidates the chiefs are shared out in turn (by id order), so every upper
// chief gets about as many as the others. The result depends only on the rows.
func LinkChiefs(list []ChiefLink) {
	idx := make([]int, len(list))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return list[idx[a]].ID < list[idx[b]].ID })
	// candidates by level and unit code (the county for 乡/村, the city for 县, the province for 市)
	cand := map[string][]int64{}
	key := func(l Level, code string) string { return strconv.Itoa(int(l)) + "|" + code }
	for _, i := range idx {
		c := list[i]
		cand[key(c.Level, c.Region)] = append(cand[key(c.Level, c.Region)], c.ID)
	}
	turn := map[string]int{}
	for _, i := range idx {
		c := &list[i]
		c.Parent = 0
		for up := c.Level - 1; up >= LevelProvince; up-- {
			var unit string
			switch up {
			case LevelProvince:
				unit = region.ProvinceCode
			case LevelCity:
				unit = region.CityOf(c.Region)
			default: // 县级 or 乡级: the same county
				unit = c.Region
			}
			k := key(up, unit)
			if ids := cand[k]; len(ids) > 0 {
				c.Parent = ids[turn[k]%len(ids)]
				turn[k]++
				break
			}
		}
	}
}

// RegisterChief stores a chief with its place in the hierarchy (parent, post,
// township or village); the parent must exist and be of a higher level.
func (m *Module) RegisterChief(ctx context.Context, c *ChiefInfo) error {
	return m.d.DB.InTx(ctx, func(tx *store.Tx) error { return registerChief(ctx, tx, c) })
}

func registerChief(ctx context.Context, tx store.Querier, c *ChiefInfo) error {
	if !region.Valid(c.Region) {
		return &auth.FieldError{Field: "region", Message: "河长所属行政区划代码无效"}
	}
	if c.Level < LevelProvince || c.Level > LevelVillage {
		return &auth.FieldError{Field: "level", Message: "河长层级只能是省级、市级、县级、乡级或村级"}
	}
	if c.ParentID > 0 {
		if _, err := superiorFor(ctx, tx, c.Level, c.ParentID); err != nil {
			return err
		}
	}
	c.City = region.CityOf(c.Region)
	id, err := store.InsertID(ctx, tx, `INSERT INTO river_chiefs (name, level, region, city, user_id, phone, parent_id, title, place, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`, c.Name, int(c.Level), c.Region, c.City, c.UserID, c.Phone, c.ParentID, c.Title, c.Place)
	c.ID, c.LevelName = id, c.Level.String()
	return err
}

// superiorFor loads the chief with id as the superior (上级河长) of a chief of level lvl:
// it must exist, be in office and rank above (a level may be skipped where a unit has no
// chief at the level between). Refusals name the field parent_id.
func superiorFor(ctx context.Context, q store.Querier, lvl Level, id int64) (*ChiefInfo, error) {
	p, err := getChief(ctx, q, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &auth.FieldError{Field: "parent_id", Message: "上级河长不存在，请重新选择"}
	} else if err != nil {
		return nil, err
	}
	if p.Level >= lvl {
		return nil, &auth.FieldError{Field: "parent_id", Message: fmt.Sprintf("上级河长的层级须高于本河长：%s 是%s河长，本河长是%s河长，请选择更高层级的河长", p.Name, p.LevelName, lvl)}
	}
	if p.Retired() {
		return nil, &auth.FieldError{Field: "parent_id", Message: fmt.Sprintf("上级河长 %s 已于 %s 卸任，请选择在任的河长（如接任的河长）", p.Name, p.RetiredOn)}
	}
	return p, nil
}

// Unlinked is a chief in office whose superior has left office (待重新挂接): the
// 河长关系树 shows it under no one until the 河长办 gives it an in-office superior.
type Unlinked struct {
	ChiefInfo
	FormerID   int64  `json:"former_parent_id"`
	FormerName string `json:"former_parent_name"`
	FormerLvl  Level  `json:"former_parent_level"`
	Since      string `json:"since"` // the day (Asia/Shanghai) the former superior left office
}

// listUnlinked lists the chiefs in office within scope ("" or the province = all) whose
// superior has left office, longest waiting first.
func listUnlinked(ctx context.Context, q store.Querier, scope string, limit int) ([]*Unlinked, error) {
	w, args := "c.retired_at = '' AND p.retired_at <> ''", []any{}
	if scope != "" && scope != region.ProvinceCode {
		w, args = w+" AND c.region LIKE ?", append(args, scopePrefix(scope)+"%")
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := q.Query(ctx, "SELECT "+chiefCols+", p.id, p.name, p.level, p.retired_at FROM river_chiefs c JOIN river_chiefs p ON p.id = c.parent_id WHERE "+w+
		" ORDER BY p.retired_at, c.level, c.region, c.id LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Unlinked{}
	for rows.Next() {
		var x Unlinked
		var lvl int
		var at string
		c, err := scanChief(rows, &x.FormerID, &x.FormerName, &lvl, &at)
		if err != nil {
			return nil, err
		}
		x.ChiefInfo, x.FormerLvl, x.Since = *c, Level(lvl), retiredDay(at)
		out = append(out, &x)
	}
	return out, rows.Err()
}
