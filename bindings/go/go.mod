module github.com/streamlearn/streamlearn-go

go 1.21
