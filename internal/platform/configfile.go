package platform

import (
	"errors"
	"fmt"
	"os"
)

// ReadConfigFile reads the configuration file at path that the environment
// variable env names (what says what it holds, e.g. "节假日文件"). A file that
// is missing or cannot be read comes back as a Chinese sentence naming the
// variable, the file and what to do, the same in every module.
func ReadConfigFile(env, what, path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s 所指的%s %s 不存在，请核对路径", env, what, path)
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("%s 所指的%s %s 没有读取权限", env, what, path)
	}
	return nil, fmt.Errorf("%s 所指的%s %s 无法读取：%v", env, what, path, err)
}
