package river

import (
	"fmt"

	"tongcheng/internal/platform"
)

// Configuration files a 河长办 gives the program at start instead of the built-in
// ones (data/workflow.json, data/patrol.json, data/assessment.json), in the same
// format: copy the built-in file, change it, and name it in the variable.
const (
	WorkflowFileEnv   = "TONGCHENG_RIVER_WORKFLOW"   // 交办期限（按严重程度）和超期升级间隔
	PatrolFileEnv     = "TONGCHENG_RIVER_PATROL"     // 各级河长的巡河频次
	AssessmentFileEnv = "TONGCHENG_RIVER_ASSESSMENT" // 考核权重
)

// applyConfigFiles replaces the module's workflow, patrol frequencies and
// assessment weights by the files the variables name (getenv reads them). A
// file that cannot be read or is refused leaves the built-in configuration in
// use, and the reason is kept in configErrs: logged at start and shown on the
// 驾驶舱, never silently.
func (m *Module) applyConfigFiles(getenv func(string) string) {
	load := func(env, what string, apply func([]byte) error) {
		path := getenv(env)
		if path == "" {
			return
		}
		b, err := platform.ReadConfigFile(env, what+"文件", path)
		if err == nil {
			if err = apply(b); err != nil {
				err = fmt.Errorf("%s 所指的%s文件 %s：%w", env, what, path, err)
			}
		}
		if err != nil {
			m.configErrs = append(m.configErrs, fmt.Sprintf("%v；%s仍按内置配置。请改正文件后重新启动。", err, what))
		}
	}
	load(WorkflowFileEnv, "交办期限和超期升级间隔", func(b []byte) error {
		c, err := LoadWorkflowConfig(b)
		if err == nil {
			m.Workflow = c
		}
		return err
	})
	load(PatrolFileEnv, "巡河频次", func(b []byte) error {
		f, err := LoadPatrolFrequencies(b)
		if err == nil {
			m.Patrols.Frequency = f
		}
		return err
	})
	load(AssessmentFileEnv, "考核权重", func(b []byte) error {
		c, err := LoadAssessmentConfig(b)
		if err == nil {
			m.Assess = c
		}
		return err
	})
}

// ConfigErrors are the configuration files of applyConfigFiles that were not used, with why.
func (m *Module) ConfigErrors() []string { return m.configErrs }
