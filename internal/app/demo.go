package app

import (
	"context"
	"fmt"
	"io"

	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
)

// DemoPassword is the password of every generated demo account (demo databases only).
const DemoPassword = "tongcheng-demo"

// DemoUser is one generated demo login.
type DemoUser struct {
	Username, Name, Region, Roles string
}

// DemoUsers lists the demo logins: the province office's administrator and, in each
// city, an administrator, an enforcement officer, a legal reviewer, a credit clerk, a
// credit-repair reviewer, the river-chief office, a river chief and an analyst.
func DemoUsers() []DemoUser {
	out := []DemoUser{{"admin", "省同城化办 管理员", region.ProvinceCode, "*:admin"}}
	prefixes := map[string]string{"510100": "cd", "510600": "dy", "511400": "ms", "512000": "zy"}
	for _, c := range region.Cities() {
		p := prefixes[c.Code]
		city := c.Name
		out = append(out,
			DemoUser{p + "-admin", city + " 管理员", c.Code, "*:admin"},
			DemoUser{p + "-officer", city + "市场监管 执法人员", c.Code, "discretion:officer"},
			DemoUser{p + "-reviewer", city + "市场监管 法制审核员", c.Code, "discretion:reviewer"},
			DemoUser{p + "-credit", city + "发改委 信用归集员", c.Code, "credit:collector"},
			DemoUser{p + "-creditreview", city + "发改委 信用修复审核员", c.Code, "credit:reviewer"},
			DemoUser{p + "-riveroffice", city + "河长办", c.Code, "river:riveroffice"},
			DemoUser{p + "-chief", city + " 河长", c.Code, "river:chief"},
			DemoUser{p + "-analyst", city + " 分析员", c.Code, "discretion:analyst,credit:analyst,river:analyst"},
		)
	}
	return out
}

// Demo fills the database with demo accounts and every module's demo data.
func (a *App) Demo(ctx context.Context, scale platform.Scale, seed int64, out io.Writer) error {
	for _, u := range DemoUsers() {
		if _, err := a.Deps.Auth.GetByName(ctx, u.Username); err == nil {
			continue
		}
		if _, err := a.Deps.Auth.Create(ctx, auth.NewUser{Username: u.Username, DisplayName: u.Name, Password: DemoPassword, Region: u.Region, Roles: u.Roles}); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	}
	fmt.Fprintf(out, "演示账号 %d 个已就绪 / %d demo accounts ready\n", len(DemoUsers()), len(DemoUsers()))
	for _, m := range a.Modules {
		if s, ok := m.(platform.DemoSeeder); ok {
			fmt.Fprintf(out, "生成演示数据 / generating demo data: %s\n", m.Title())
			if err := s.Demo(ctx, a.Deps, scale, seed, out); err != nil {
				return fmt.Errorf("%s demo: %w", m.Key(), err)
			}
		}
	}
	return a.Deps.DB.Analyze(ctx)
}
