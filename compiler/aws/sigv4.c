/* sigv4.c: AWS Signature Version 4 (sigv4.h) with libcrypto's SHA-256 and
 * HMAC, following botocore's SigV4Auth and S3SigV4Auth rule for rule: the
 * canonical request, the string to sign, the key derived from the secret
 * and the Authorization header. Buffers that held a token or a key are
 * wiped before they are freed. */
#include "aws/sigv4.h"
#include "base/oom.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SHA256_LEN 32

static const char *const sig_headers[] = {
	"Authorization", "X-Amz-Date", "x-amz-content-sha256", "x-amz-security-token",
};

static void hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned int n = 0;
	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == SHA256_LEN;
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_LEN];
	if (!sha256(data ? data : "", len, md)) {
		out[0] = '\0';
		return;
	}
	hex_encode(md, SHA256_LEN, out);
}

void sigv4_content_md5(const void *body, size_t len, char out[25])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_Digest(body ? body : "", len, md, &n, EVP_md5(), NULL) != 1 || n != 16) {
		out[0] = '\0';
		return;
	}
	EVP_EncodeBlock((unsigned char *)out, md, 16); /* 24 characters and a NUL */
}

static bool hmac(const void *key, size_t klen, const char *msg, unsigned char out[SHA256_LEN])
{
	unsigned int n = 0;
	return HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out,
		    &n) && n == SHA256_LEN;
}

/* Whether the signer covers a header of this (lower-case) name. */
static bool header_signed(const char *lname)
{
	return strcmp(lname, "host") == 0 || strcmp(lname, "content-type") == 0 ||
	       strcmp(lname, "content-md5") == 0 || strncmp(lname, "x-amz-", 6) == 0;
}

/* A header to sign: its lower-cased name and its value as the request
 * holds it. */
struct signed_header {
	char *lname;
	const char *value;
};

static int signed_header_cmp(const void *a, const void *b)
{
	return strcmp(((const struct signed_header *)a)->lname,
		      ((const struct signed_header *)b)->lname);
}

static char *lower_dup(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n + 1);
	for (size_t i = 0; i <= n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	return out;
}

/* The headers to sign, sorted by lower-cased name; *n of them. */
static struct signed_header *headers_to_sign(const struct aws_request *req, size_t *n)
{
	struct signed_header *h = xcalloc(req->nheaders ? req->nheaders : 1, sizeof(*h));
	*n = 0;
	for (size_t i = 0; i < req->nheaders; i++) {
		char *l = lower_dup(req->headers[i].name);
		if (!header_signed(l)) {
			free(l);
			continue;
		}
		h[(*n)++] = (struct signed_header){l, req->headers[i].value};
	}
	qsort(h, *n, sizeof(*h), signed_header_cmp);
	return h;
}

/* Python's str.split() whitespace among ASCII characters. */
static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* The value trimmed, inner runs of whitespace one space (SigV4's Trimall). */
static void put_trimmed(struct buf *out, const char *v)
{
	bool pending = false, any = false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (is_space(*p)) {
			pending = any;
			continue;
		}
		if (pending)
			buf_putc(out, ' ');
		pending = false;
		any = true;
		buf_putc(out, (char)*p);
	}
}

/* botocore's remove_dot_segments: "." , ".." and empty segments go. */
static void put_normalized_path(struct buf *out, const char *path)
{
	size_t len = strlen(path), nseg = 0;
	const char **seg = xcalloc(len + 1, sizeof(*seg));
	size_t *seglen = xcalloc(len + 1, sizeof(*seglen));
	for (const char *p = path; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			nseg -= nseg > 0;
		} else if (n && !(n == 1 && p[0] == '.')) {
			seg[nseg] = p;
			seglen[nseg++] = n;
		}
		p += n + (e != NULL);
	}
	struct buf b = BUF_INIT;
	if (path[0] == '/' || !len)
		buf_putc(&b, '/');
	for (size_t i = 0; i < nseg; i++) {
		if (i)
			buf_putc(&b, '/');
		buf_put(&b, seg[i], seglen[i]);
	}
	if (len && path[len - 1] == '/' && nseg)
		buf_putc(&b, '/');
	aws_uri_encode(out, b.data, b.len, true);
	buf_free(&b);
	free(seg);
	free(seglen);
}

void sigv4_canonical_request(const struct aws_request *req, struct buf *out)
{
	buf_puts(out, req->method);
	buf_putc(out, '\n');
	if (strcmp(req->service, "s3") == 0)
		buf_puts(out, req->path);
	else
		put_normalized_path(out, req->path);
	buf_putc(out, '\n');
	aws_request_canonical_query(req, out);
	buf_putc(out, '\n');
	size_t n;
	struct signed_header *h = headers_to_sign(req, &n);
	for (size_t i = 0; i < n; i++) {
		buf_printf(out, "%s:", h[i].lname);
		put_trimmed(out, h[i].value);
		buf_putc(out, '\n');
	}
	buf_putc(out, '\n');
	for (size_t i = 0; i < n; i++) {
		buf_puts(out, i ? ";" : "");
		buf_puts(out, h[i].lname);
		free(h[i].lname);
	}
	free(h);
	buf_putc(out, '\n');
	const char *hash = aws_request_header(req, "x-amz-content-sha256");
	char hex[65];
	if (!hash) {
		sigv4_sha256_hex(req->body.data, req->body.len, hex);
		hash = hex;
	}
	buf_puts(out, hash);
}

/* The Host header of an endpoint "scheme://[user@]host[:port]": the host
 * lower-cased, the port only when not the scheme's default (botocore's
 * _host_from_url). False when there is no host. */
static bool host_of(const char *endpoint, struct buf *out)
{
	const char *p = strstr(endpoint, "://");
	if (!p)
		return false;
	bool https = (size_t)(p - endpoint) == 5 && strncasecmp(endpoint, "https", 5) == 0;
	bool http = (size_t)(p - endpoint) == 4 && strncasecmp(endpoint, "http", 4) == 0;
	const char *h = p + 3, *end = h + strcspn(h, "/?#");
	for (const char *q = h; q < end; q++)
		if (*q == '@')
			h = q + 1;
	const char *colon = NULL;
	const char *close = *h == '[' ? memchr(h, ']', (size_t)(end - h)) : NULL;
	for (const char *q = close ? close : h; q < end; q++)
		if (*q == ':')
			colon = q;
	const char *hend = colon ? colon : end;
	if (hend == h)
		return false;
	for (const char *q = h; q < hend; q++)
		buf_putc(out, (*q >= 'A' && *q <= 'Z') ? (char)(*q - 'A' + 'a') : *q);
	if (!colon || colon + 1 == end)
		return true;
	long port = 0;
	for (const char *q = colon + 1; q < end; q++) {
		if (*q < '0' || *q > '9' || port > 65535)
			return false;
		port = port * 10 + (*q - '0');
	}
	if (!((https && port == 443) || (http && port == 80)))
		buf_printf(out, ":%ld", port);
	return true;
}

static void wipe_buf(struct buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	buf_free(b);
}

/* The signature: hex HMAC of the string to sign with the key derived from
 * the secret for this day, region and service. */
static bool signature(const struct aws_request *req, const char *secret, const char *day,
		      const char *sts, char out[65])
{
	struct buf k = BUF_INIT;
	buf_printf(&k, "AWS4%s", secret);
	unsigned char a[SHA256_LEN], b[SHA256_LEN];
	bool ok = hmac(k.data, k.len, day, a) && hmac(a, SHA256_LEN, req->region, b) &&
		  hmac(b, SHA256_LEN, req->service, a) && hmac(a, SHA256_LEN, "aws4_request", b) &&
		  hmac(b, SHA256_LEN, sts, a);
	if (ok)
		hex_encode(a, SHA256_LEN, out);
	wipe_buf(&k);
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	return ok;
}

/* Set the headers the signature covers; false when the endpoint has no host. */
static bool set_signed_headers(struct aws_request *req, const struct aws_creds *c,
			       const char *amzdate)
{
	struct buf host = BUF_INIT;
	if (!host_of(req->endpoint, &host)) {
		buf_free(&host);
		return false;
	}
	aws_request_set_header(req, "Host", host.data);
	buf_free(&host);
	aws_request_set_header(req, "X-Amz-Date", amzdate);
	if (strcmp(req->service, "s3") == 0) {
		char hex[65];
		sigv4_sha256_hex(req->body.data, req->body.len, hex);
		if (!hex[0])
			return false;
		aws_request_set_header(req, "x-amz-content-sha256", hex);
	}
	if (c->session_token && c->session_token[0])
		aws_request_set_header(req, "x-amz-security-token", c->session_token);
	return true;
}

static void signed_header_names(const struct aws_request *req, struct buf *out)
{
	size_t n;
	struct signed_header *h = headers_to_sign(req, &n);
	for (size_t i = 0; i < n; i++) {
		buf_puts(out, i ? ";" : "");
		buf_puts(out, h[i].lname);
		free(h[i].lname);
	}
	free(h);
}

bool sigv4_sign(struct aws_request *req, const struct aws_creds *c, time_t now)
{
	for (size_t i = 0; i < sizeof(sig_headers) / sizeof(*sig_headers); i++)
		aws_request_remove_header(req, sig_headers[i]);
	if (!c || !c->access_key_id || !c->access_key_id[0] || !c->secret_access_key ||
	    !c->secret_access_key[0])
		return false;
	struct tm tm;
	char amzdate[32], day[9], sig[65];
	if (!gmtime_r(&now, &tm) || !strftime(amzdate, sizeof(amzdate), "%Y%m%dT%H%M%SZ", &tm))
		return false;
	memcpy(day, amzdate, 8);
	day[8] = '\0';
	struct buf cr = BUF_INIT, sts = BUF_INIT, auth = BUF_INIT;
	bool ok = false;
	if (!set_signed_headers(req, c, amzdate))
		goto out;
	sigv4_canonical_request(req, &cr);
	char crhash[65];
	sigv4_sha256_hex(cr.data, cr.len, crhash);
	if (!crhash[0])
		goto out;
	buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amzdate, day,
		   req->region, req->service, crhash);
	if (!signature(req, c->secret_access_key, day, sts.data, sig))
		goto out;
	buf_printf(&auth, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=",
		   c->access_key_id, day, req->region, req->service);
	signed_header_names(req, &auth);
	buf_printf(&auth, ", Signature=%s", sig);
	aws_request_set_header(req, "Authorization", auth.data);
	ok = true;
out:
	if (!ok)
		for (size_t i = 0; i < sizeof(sig_headers) / sizeof(*sig_headers); i++)
			aws_request_remove_header(req, sig_headers[i]);
	wipe_buf(&cr);
	buf_free(&sts);
	buf_free(&auth);
	OPENSSL_cleanse(sig, sizeof(sig));
	return ok;
}
