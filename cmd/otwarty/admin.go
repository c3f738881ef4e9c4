package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// runAdmin implements "otwarty admin create": the first admin is created by
// a command, never by a default password.
func runAdmin(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: otwarty admin create --email E --name N (password from OTWARTY_ADMIN_PASSWORD or stdin)")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	email := fs.String("email", "", "e-mail of the admin account")
	name := fs.String("name", "Administrator", "display name")
	c, err := loadConfig(fs, args[1:])
	if err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	password := os.Getenv("OTWARTY_ADMIN_PASSWORD")
	if password == "" {
		fmt.Fprint(os.Stderr, "password (12+ characters): ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	a, stop, err := start(ctx, c)
	if err != nil {
		return err
	}
	defer stop()
	acc, err := a.identity.CreateAdmin(ctx, *email, password, *name)
	if err != nil {
		return err
	}
	fmt.Printf("admin %s (%s) is ready\n", acc.Email, acc.ID)
	return nil
}
