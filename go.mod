module github.com/ozgcloud/desktop

go 1.26
