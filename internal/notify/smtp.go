package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// smtpServer is a parsed Config.SMTPURL.
type smtpServer struct {
	addr        string // host:port
	host        string
	implicitTLS bool
	auth        smtp.Auth // nil without credentials
}

// parseSMTPURL reads smtp://user:pass@host:port or smtps://…. Its errors
// never repeat the URL, which may hold a password.
func parseSMTPURL(raw string) (*smtpServer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("notify: SMTP URL does not parse")
	}
	srv := &smtpServer{host: u.Hostname()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		srv.implicitTLS = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("notify: SMTP URL scheme %q is not smtp or smtps", u.Scheme)
	}
	if srv.host == "" {
		return nil, errors.New("notify: SMTP URL has no host")
	}
	srv.addr = net.JoinHostPort(srv.host, port)
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		// PlainAuth refuses to send the password over an unencrypted
		// connection to anything but localhost.
		srv.auth = smtp.PlainAuth("", u.User.Username(), pass, srv.host)
	}
	return srv, nil
}

// sendSMTP hands m to the SMTP server within Config.SMTPTimeout.
func (s *Service) sendSMTP(ctx context.Context, m OutboxMessage) error {
	srv := s.smtp
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", srv.addr)
	if err != nil {
		return err
	}
	if srv.implicitTLS {
		conn = tls.Client(conn, &tls.Config{ServerName: srv.host})
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, srv.host)
	if err != nil {
		_ = conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(s.domain); err != nil {
		return err
	}
	if !srv.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(&tls.Config{ServerName: srv.host}); err != nil {
				return err
			}
		}
	}
	if srv.auth != nil {
		if err := c.Auth(srv.auth); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(s.compose(m, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose renders m as a plain-text RFC 5322 message.
func (s *Service) compose(m OutboxMessage, date time.Time) []byte {
	var b bytes.Buffer
	header := func(name, value string) {
		value = strings.NewReplacer("\r", " ", "\n", " ").Replace(value)
		b.WriteString(name + ": " + value + "\r\n")
	}
	header("From", s.from.String())
	header("To", (&mail.Address{Address: m.To}).String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", date.In(s.zone).Format(time.RFC1123Z))
	header("Message-ID", m.MessageID)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Content-Language", m.Locale)
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(m.Body))
	_ = qp.Close()
	return b.Bytes()
}
