package shell

import (
	"net/http"

	"tongcheng/internal/web"
)

// errorRef is the shared error response of every operation.
var errorRef = map[string]any{"description": "错误：{\"error\":{\"code\",\"message\",\"field\"}}",
	"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}

// Op builds an OpenAPI operation with the shared error response (exported for modules through web).
func op(summary string, body bool) map[string]any {
	o := map[string]any{"summary": summary, "responses": map[string]any{"200": map[string]any{"description": "成功"}, "default": errorRef}}
	if body {
		o["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
	}
	return o
}

func openapiPaths() map[string]any {
	return map[string]any{
		"/api/v1/session":      map[string]any{"post": op("用户名密码登录，返回会话 Cookie 与 CSRF 令牌", true), "delete": op("退出登录，结束本会话", false)},
		"/api/v1/dashboard":    map[string]any{"get": op("首页驾驶舱的各项指标：平台的与当前用户可进入的各模块的", false)},
		"/api/v1/me":           map[string]any{"get": op("当前用户", false)},
		"/api/v1/me/password":  map[string]any{"post": op("修改本人密码（current_password, new_password）；成功后本人所有会话结束", true)},
		"/api/v1/regions":      map[string]any{"get": op("行政区划（GB/T 2260）", false)},
		"/api/v1/users":        map[string]any{"get": op("本辖区账号列表（管理员）", false), "post": op("新建账号（管理员，仅限本辖区）", true)},
		"/api/v1/users/{id}":   map[string]any{"patch": op("修改账号（管理员，仅限本辖区）：display_name region roles disabled，password 重置密码", true)},
		"/api/v1/audit":        map[string]any{"get": op("审计日志（管理员；市、县管理员只见本辖区的），参数 user module action object from to before；返回 entries、total 与下一页的 next_before", false)},
		"/api/v1/audit.csv":    map[string]any{"get": op("导出审计日志 CSV（UTF-8 BOM，最多 10000 条），参数同上", false)},
		"/api/v1/tokens":       map[string]any{"get": op("当前用户的接口令牌（不含密钥）", false), "post": op("为当前用户签发接口令牌（Bearer）", true)},
		"/api/v1/tokens/{id}":  map[string]any{"delete": op("吊销本人的接口令牌", false)},
		"/api/v1/openapi.json": map[string]any{"get": op("本文档", false)},
	}
}

func (s *Shell) openapi(w http.ResponseWriter, r *http.Request) {
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "同城 API", "version": "1",
			"description": "成德眉资同城化协同平台接口。认证：会话 Cookie（写操作需 X-CSRF-Token 头）或 Authorization: Bearer 接口令牌。金额单位为分（整数），区划为 GB/T 2260 六位代码。"},
		"paths": s.d.Web.OpenAPIPaths(),
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{"Error": map[string]any{"type": "object", "properties": map[string]any{
				"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
					"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}, "field": map[string]any{"type": "string"}}}}}},
		},
		"security": []any{map[string]any{"bearer": []string{}}},
	}
	web.WriteJSON(w, http.StatusOK, doc)
}
