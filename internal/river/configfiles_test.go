package river_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/river"
	"tongcheng/internal/store/storetest"
)

// A 河长办 replaces the built-in workflow, patrol and assessment files by its own,
// named in TONGCHENG_RIVER_WORKFLOW, _PATROL and _ASSESSMENT: the module then counts
// with them; a file that is missing or refused leaves the built-in values and says
// why, on the 驾驶舱 page and in its API.
func TestConfigFilesFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv(river.WorkflowFileEnv, write("workflow.json", `{"deadline_days": {"一般": 20, "较重": 10, "重大": 5, "紧急": 2}, "escalate_every_days": 3}`))
	t.Setenv(river.PatrolFileEnv, write("patrol.json", `{"frequencies": {"省级": "1/年", "市级": "1/季度", "县级": "1/月", "乡级": "2/月", "村级": "2/周"}}`))
	t.Setenv(river.AssessmentFileEnv, write("assessment.json", `{"weights": {"patrol": 40, "closed": 20, "ontime": 20, "quality": 20}}`))
	m := river.NewModule()
	if errs := m.ConfigErrors(); len(errs) != 0 {
		t.Fatalf("good files refused: %v", errs)
	}
	if got := m.Workflow.DeadlineDays[river.SeverityGeneral]; got != 20 || m.Workflow.DeadlineDays[river.SeverityUrgent] != 2 || m.Workflow.EscalateEvery != 3*24*time.Hour {
		t.Errorf("workflow: %+v", m.Workflow)
	}
	if f := m.Patrols.Frequency[river.LevelVillage]; f != (river.Frequency{Count: 2, Per: river.PerWeek}) {
		t.Errorf("村级 frequency %+v, want 2/周", f)
	}
	if w := m.Assess.Weights[river.IndPatrol]; w != 40 {
		t.Errorf("巡河 weight %v, want 40", w)
	}

	// missing and refused files: the built-in values stay, each reason is kept
	t.Setenv(river.WorkflowFileEnv, write("bad-workflow.json", `{"deadline_days": {"一般": 0, "较重": 7, "重大": 3, "紧急": 1}, "escalate_every_days": 7}`))
	t.Setenv(river.PatrolFileEnv, filepath.Join(dir, "no-such.json"))
	t.Setenv(river.AssessmentFileEnv, "")
	m = river.NewModule()
	def := river.DefaultWorkflowConfig()
	if m.Workflow.DeadlineDays[river.SeverityGeneral] != def.DeadlineDays[river.SeverityGeneral] || m.Workflow.EscalateEvery != def.EscalateEvery {
		t.Errorf("a refused workflow file changed the workflow: %+v", m.Workflow)
	}
	if f := m.Patrols.Frequency[river.LevelVillage]; f != river.DefaultPatrolConfig().Frequency[river.LevelVillage] {
		t.Errorf("a missing patrol file changed the frequency: %+v", f)
	}
	errs := m.ConfigErrors()
	if len(errs) != 2 || !strings.HasPrefix(errs[0], river.WorkflowFileEnv+" 所指的交办期限和超期升级间隔文件 "+filepath.Join(dir, "bad-workflow.json")+"：") ||
		!strings.Contains(errs[0], "一般") || !strings.HasSuffix(errs[0], "；交办期限和超期升级间隔仍按内置配置。请改正文件后重新启动。") ||
		errs[1] != river.PatrolFileEnv+" 所指的巡河频次文件 "+filepath.Join(dir, "no-such.json")+" 不存在，请核对路径；巡河频次仍按内置配置。请改正文件后重新启动。" {
		t.Fatalf("reasons: %q", errs)
	}

	// shown to the 河长办 on the 驾驶舱 and in its API
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if _, body := e.login("cd-office").Get("/river/dashboard"); !strings.Contains(body, `id="config-warnings"`) || !strings.Contains(body, "no-such.json 不存在，请核对路径；巡河频次仍按内置配置") {
		t.Errorf("the 驾驶舱 does not show the unused files")
	}
	var d river.Dashboard
	e.api("cd-office", "GET", "/api/v1/river/dashboard", nil, &d)
	if len(d.ConfigWarnings) != 2 {
		t.Errorf("API config_warnings = %q", d.ConfigWarnings)
	}
}
