package auth

import "testing"

func TestScope(t *testing.T) {
	dy := &User{Region: "510600", Grants: Grants{{"credit", Collector}}}
	county := &User{Region: "510603", Grants: Grants{{"river", Chief}}}
	prov := &User{Region: "510000", Grants: Grants{{AllModules, Admin}}}
	cases := []struct {
		name string
		u    *User
		reg  string
		want bool
	}{
		{"德阳 user writes 德阳 record", dy, "510600", true},
		{"德阳 user writes 旌阳区 record", dy, "510603", true},
		{"德阳 user writes 成都 record", dy, "510100", false},
		{"德阳 user writes 锦江区 record", dy, "510104", false},
		{"旌阳区 user writes 德阳 city record", county, "510600", false},
		{"旌阳区 user writes 广汉市 record", county, "510681", false},
		{"province writes anything", prov, "512022", true},
	}
	for _, c := range cases {
		if got := c.u.CanWrite(c.reg); got != c.want {
			t.Errorf("%s: CanWrite = %v, want %v", c.name, got, c.want)
		}
	}
	if !dy.CanRead("510104", true) || dy.CanRead("510104", false) {
		t.Error("shared data must be readable across cities, unshared not")
	}
	disabled := &User{Region: "510000", Disabled: true, Grants: Grants{{AllModules, Admin}}}
	if disabled.CanWrite("510100") || disabled.HasRole("credit", Admin) {
		t.Error("a disabled user can do nothing")
	}
	if !prov.HasRole("river", Admin) || !prov.IsSystemAdmin() || dy.HasRole("river", Chief) || !dy.InModule("credit") || dy.InModule("river") {
		t.Error("role checks wrong")
	}
}

func TestParseGrants(t *testing.T) {
	g, err := ParseGrants("river:chief, credit:collector")
	if err != nil || g.String() != "credit:collector,river:chief" {
		t.Fatalf("%v %v", g, err)
	}
	if _, err := ParseGrants("credit:boss"); err == nil || err.(*FieldError).Field != "roles" {
		t.Fatalf("unknown role accepted: %v", err)
	}
	if _, err := ParseGrants("collector"); err == nil {
		t.Fatal("role without module accepted")
	}
}

func TestPassword(t *testing.T) {
	h, err := HashPassword("一个足够长的密码123")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "一个足够长的密码123") || CheckPassword(h, "一个足够长的密码124") {
		t.Fatal("password check wrong")
	}
	if ValidatePassword("短密码") == nil || ValidatePassword("0123456789") != nil {
		t.Fatal("length rule wrong")
	}
}
