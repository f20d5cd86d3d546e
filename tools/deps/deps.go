package main
import (
 _ "modernc.org/sqlite"
 _ "github.com/jackc/pgx/v5/stdlib"
 _ "github.com/xuri/excelize/v2"
 _ "github.com/chromedp/chromedp"
 _ "golang.org/x/crypto/argon2"
 _ "golang.org/x/text/encoding/simplifiedchinese"
 _ "github.com/prometheus/client_golang/prometheus/promhttp"
)
func main(){}
