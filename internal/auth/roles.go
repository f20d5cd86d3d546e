package auth

import (
	"sort"
	"strings"

	"tongcheng/internal/region"
)

// Role is what a user may do inside one module.
type Role string

const (
	Admin       Role = "admin"       // 管理员
	Officer     Role = "officer"     // 执法人员
	Reviewer    Role = "reviewer"    // 法制审核员
	Collector   Role = "collector"   // 信用归集员
	Chief       Role = "chief"       // 河长
	RiverOffice Role = "riveroffice" // 河长办
	Dispatcher  Role = "dispatcher"  // 调度员
	Analyst     Role = "analyst"     // 分析员
	Viewer      Role = "viewer"      // 只读
)

// RoleNames gives each role its Chinese name.
var RoleNames = map[Role]string{
	Admin: "管理员", Officer: "执法人员", Reviewer: "法制审核员", Collector: "信用归集员",
	Chief: "河长", RiverOffice: "河长办", Dispatcher: "调度员", Analyst: "分析员", Viewer: "只读",
}

// AllModules is the module key that grants a role in every module ("*:admin" is the system administrator).
const AllModules = "*"

// Grant is one role in one module, written "module:role".
type Grant struct {
	Module string
	Role   Role
}

func (g Grant) String() string { return g.Module + ":" + string(g.Role) }

// Grants is a user's set of roles.
type Grants []Grant

// ParseGrants reads "credit:collector,river:chief". Unknown roles are an error.
func ParseGrants(s string) (Grants, error) {
	var out Grants
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		mod, role, ok := strings.Cut(part, ":")
		if !ok || mod == "" {
			return nil, &FieldError{Field: "roles", Message: "角色“" + part + "”格式不对，应写作 模块:角色，例如 credit:collector"}
		}
		if _, known := RoleNames[Role(role)]; !known {
			return nil, &FieldError{Field: "roles", Message: "未知角色“" + role + "”，可用：admin、officer、reviewer、collector、chief、riveroffice、dispatcher、analyst、viewer"}
		}
		out = append(out, Grant{mod, Role(role)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

func (gs Grants) String() string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.String()
	}
	return strings.Join(parts, ",")
}

// Chinese renders grants for people, e.g. "信用:信用归集员".
func (gs Grants) Chinese(moduleTitle func(string) string) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		m := g.Module
		if m == AllModules {
			m = "全部模块"
		} else if moduleTitle != nil {
			m = moduleTitle(m)
		}
		parts[i] = m + "·" + RoleNames[g.Role]
	}
	return strings.Join(parts, "，")
}

// User is an account. Region is the home region: the province office, a city or a county.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Region      string `json:"region"`
	Grants      Grants `json:"-"`
	Roles       string `json:"roles"`
	Disabled    bool   `json:"disabled"`
}

// IsSystemAdmin reports whether u administers every module.
func (u *User) IsSystemAdmin() bool {
	return u != nil && u.HasRole(AllModules, Admin) && u.Region == region.ProvinceCode
}

// HasRole reports whether u holds role in module (a "*" grant counts for every module).
func (u *User) HasRole(module string, role Role) bool {
	if u == nil || u.Disabled {
		return false
	}
	for _, g := range u.Grants {
		if (g.Module == module || g.Module == AllModules) && g.Role == role {
			return true
		}
	}
	return false
}

// HasAny reports whether u holds any of roles in module.
func (u *User) HasAny(module string, roles ...Role) bool {
	for _, r := range roles {
		if u.HasRole(module, r) {
			return true
		}
	}
	return false
}

// InModule reports whether u holds any role in module (and so may open its pages).
func (u *User) InModule(module string) bool {
	if u == nil || u.Disabled {
		return false
	}
	for _, g := range u.Grants {
		if g.Module == module || g.Module == AllModules {
			return true
		}
	}
	return false
}

// CanWrite reports whether u may change a record owned by regionCode: only records of
// the user's own region and below.
func (u *User) CanWrite(regionCode string) bool {
	return u != nil && !u.Disabled && region.Within(regionCode, u.Region)
}

// FieldError is a validation failure naming the field, in Chinese.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Message }

// CanRead reports whether u may read a record owned by regionCode. Data a module
// declares shared (credit records, decided penalty cases …) is readable across the
// four cities; other records only inside the user's own region and below.
func (u *User) CanRead(regionCode string, shared bool) bool {
	if u == nil || u.Disabled {
		return false
	}
	return shared || region.Within(regionCode, u.Region)
}
