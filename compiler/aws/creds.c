/* creds.c: credentials as the AWS CLI finds them (creds.h), resolved into
 * a plan without the network. botocore's rules: environment keys first
 * unless a profile is given explicitly; in a profile, role_arn before
 * static keys, but a source profile's static keys before its role_arn; a
 * source_profile may name its own profile only to reach its static keys;
 * the credentials file's names override the config file's. */
#include "aws/creds.h"
#include "aws/ini.h"
#include "base/buf.h"
#include "base/fdio.h"
#include "base/oom.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest chain of roles followed: deeper is surely a mistake. */
#define CHAIN_MAX 32

static void secret_free(char *s)
{
	if (s)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void aws_creds_set(struct aws_creds *c, const char *access_key_id,
		   const char *secret_access_key, const char *session_token)
{
	struct aws_creds n = {xstrdup(access_key_id), xstrdup(secret_access_key),
			      xstrdup(session_token)};
	aws_creds_clear(c);
	*c = n;
}

void aws_creds_clear(struct aws_creds *c)
{
	secret_free(c->access_key_id);
	secret_free(c->secret_access_key);
	secret_free(c->session_token);
	*c = (struct aws_creds){0};
}

/* One of the two files: its path (NULL when there is none) and contents. */
struct creds_file {
	char *path;
	struct ini ini;
};

struct resolver {
	aws_getenv_fn *env;
	struct creds_file config, credentials;
	struct aws_cred_plan *plan;
	const char *visited[CHAIN_MAX + 1];
	size_t nvisited;
	char **err;
};

/* A profile in both files: the credentials file's section wins. */
struct profile {
	const char *name;
	const struct ini_section *cfg, *cred;
};

static const char *system_getenv(const char *name)
{
	return getenv(name);
}

/* A variable's value; NULL when unset or empty. */
static const char *env_get(const struct resolver *r, const char *name)
{
	const char *v = r->env(name);
	return v && *v ? v : NULL;
}

static bool fail(struct resolver *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct resolver *r, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(*r->err);
	*r->err = buf_detach(&b, NULL);
	return false;
}

/* The file's path: the variable's value ("~/" is $HOME), or ~/dflt. */
static char *file_path(const struct resolver *r, const char *var, const char *dflt)
{
	const char *v = env_get(r, var), *home = env_get(r, "HOME");
	struct buf b = BUF_INIT;
	if (v && v[0] == '~' && (v[1] == '/' || !v[1]) && home)
		buf_printf(&b, "%s%s", home, v + 1);
	else if (v)
		buf_puts(&b, v);
	else if (home)
		buf_printf(&b, "%s/%s", home, dflt);
	else
		return NULL;
	return buf_detach(&b, NULL);
}

/* Read and parse a file; one that does not exist (or is no regular file,
 * as botocore's isfile) is empty. */
static bool file_load(struct resolver *r, struct creds_file *f)
{
	if (!f->path)
		return true;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ||
		       fail(r, "%s: %s", f->path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return true;
	}
	size_t cap = (size_t)st.st_size + 1, len = 0;
	char *text = xmalloc(cap);
	ssize_t n;
	while ((n = fd_read_full(fd, text + len, cap - len, -1)) > 0) {
		len += (size_t)n;
		if (len == cap)
			text = xrealloc(text, cap *= 2);
	}
	int e = errno;
	close(fd);
	bool ok = n == 0 ? ini_parse(&f->ini, text, len, f->path, r->err)
			 : fail(r, "%s: %s", f->path, strerror(e));
	OPENSSL_cleanse(text, cap);
	free(text);
	return ok;
}

/* Whether a config section's name is "profile NAME" (or "default" for
 * name "default"), as botocore splits it. */
static bool config_section_is(const char *sect, const char *name)
{
	if (strcmp(name, "default") == 0 && strcmp(sect, "default") == 0)
		return true;
	if (strncmp(sect, "profile", 7) != 0 || !strchr(" \t", sect[7]) || !sect[7])
		return false;
	const char *p = sect + 7;
	p += strspn(p, " \t");
	size_t n = strlen(name), q = *p == '"';
	if (strncmp(p + q, name, n) != 0 || (q && p[1 + n] != '"'))
		return false;
	p += q + n + q;
	return p[strspn(p, " \t")] == '\0' && (q || !strpbrk(name, " \t\""));
}

static struct profile profile_find(const struct resolver *r, const char *name)
{
	struct profile p = {name, NULL, ini_section(&r->credentials.ini, name)};
	const struct ini *cfg = &r->config.ini;
	for (size_t i = 0; i < cfg->nsections; i++) /* the last one wins */
		if (config_section_is(cfg->sections[i].name, name))
			p.cfg = &cfg->sections[i];
	return p;
}

static bool profile_exists(const struct profile *p)
{
	return p->cfg || p->cred;
}

/* A name's entry in the profile, and the file it is in. */
static const struct ini_entry *profile_entry(const struct resolver *r, const struct profile *p,
					     const char *key, const char **file)
{
	const struct ini_entry *e = ini_find(&r->credentials.ini, p->cred, key);
	*file = r->credentials.path;
	if (!e) {
		e = ini_find(&r->config.ini, p->cfg, key);
		*file = r->config.path;
	}
	return e && e->value[0] ? e : NULL;
}

static const char *profile_get(const struct resolver *r, const struct profile *p,
			       const char *key)
{
	const char *file;
	const struct ini_entry *e = profile_entry(r, p, key, &file);
	return e ? e->value : NULL;
}

/* "FILE:LINE" of a profile's name, for messages. */
static const char *where(const struct resolver *r, const struct profile *p, const char *key,
			 char *out, size_t size)
{
	const char *file;
	const struct ini_entry *e = profile_entry(r, p, key, &file);
	if (!e)
		snprintf(out, size, "%s", r->config.path ? r->config.path : "config");
	else
		snprintf(out, size, "%s:%zu", file, e->line);
	return out;
}

static struct aws_cred_step *step_push(struct aws_cred_plan *plan, enum aws_cred_step_kind k,
				       const char *origin)
{
	plan->steps = xrealloc(plan->steps, (plan->nsteps + 1) * sizeof(*plan->steps));
	struct aws_cred_step *s = &plan->steps[plan->nsteps++];
	*s = (struct aws_cred_step){.kind = k, .origin = xstrdup(origin)};
	return s;
}

/* Static keys from the environment, as botocore's EnvProvider. */
static bool env_static(struct resolver *r, bool required, const char *why)
{
	const char *id = env_get(r, "AWS_ACCESS_KEY_ID");
	const char *secret = env_get(r, "AWS_SECRET_ACCESS_KEY");
	const char *token = env_get(r, "AWS_SESSION_TOKEN");
	if (!token)
		token = env_get(r, "AWS_SECURITY_TOKEN");
	if (id && !secret)
		return fail(r, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not%s", why);
	if (!id)
		return !required || fail(r, "no AWS_ACCESS_KEY_ID in the environment%s", why);
	struct aws_cred_step *s = step_push(r->plan, AWS_CRED_STATIC, "environment variables");
	aws_creds_set(&s->creds, id, secret, token);
	return true;
}

static bool has_static(const struct resolver *r, const struct profile *p)
{
	return profile_get(r, p, "aws_access_key_id") || profile_get(r, p, "aws_secret_access_key");
}

static bool profile_static(struct resolver *r, const struct profile *p)
{
	const char *id = profile_get(r, p, "aws_access_key_id");
	const char *secret = profile_get(r, p, "aws_secret_access_key");
	const char *token = profile_get(r, p, "aws_session_token");
	char w[512];
	if (!id || !secret)
		return fail(r, "%s: profile '%s' has %s but no %s",
			    where(r, p, id ? "aws_access_key_id" : "aws_secret_access_key", w,
				  sizeof(w)), p->name,
			    id ? "aws_access_key_id" : "aws_secret_access_key",
			    id ? "aws_secret_access_key" : "aws_access_key_id");
	if (!token)
		token = profile_get(r, p, "aws_security_token");
	struct buf o = BUF_INIT;
	buf_printf(&o, "profile %s", p->name);
	struct aws_cred_step *s = step_push(r->plan, AWS_CRED_STATIC, o.data);
	buf_free(&o);
	aws_creds_set(&s->creds, id, secret, token);
	return true;
}

static bool resolve_profile(struct resolver *r, const struct profile *p, bool top);

/* botocore's _validate_source_profile: a profile seen before is a loop,
 * unless it is the profile itself and has static keys. */
static bool source_check(struct resolver *r, const struct profile *parent,
			 const struct profile *src)
{
	char w[512];
	where(r, parent, "source_profile", w, sizeof(w));
	if (!profile_exists(src))
		return fail(r, "%s: profile '%s': source_profile '%s' is in neither file", w,
			    parent->name, src->name);
	for (size_t i = 0; i < r->nvisited; i++) {
		if (strcmp(r->visited[i], src->name) != 0)
			continue;
		if (strcmp(src->name, parent->name) != 0 || !has_static(r, src))
			return fail(r, "%s: profile '%s': source_profile '%s' makes a loop", w,
				    parent->name, src->name);
	}
	if (r->nvisited == CHAIN_MAX)
		return fail(r, "%s: profile '%s': more than %d roles chained", w, parent->name,
			    CHAIN_MAX);
	r->visited[r->nvisited++] = src->name;
	return true;
}

static bool credential_source(struct resolver *r, const struct profile *p, const char *cs)
{
	char w[512], why[600];
	where(r, p, "credential_source", w, sizeof(w));
	if (strcmp(cs, "Environment") == 0) {
		snprintf(why, sizeof(why), " (%s: profile '%s': credential_source = Environment)",
			 w, p->name);
		return env_static(r, true, why);
	}
	if (strcmp(cs, "Ec2InstanceMetadata") == 0 || strcmp(cs, "EcsContainer") == 0)
		return fail(r, "%s: profile '%s': credential_source %s is not supported by crrc "
			    "(only Environment)", w, p->name, cs);
	return fail(r, "%s: profile '%s': credential_source must be Environment, "
		    "Ec2InstanceMetadata or EcsContainer", w, p->name);
}

/* The profile's duration_seconds (0 when unset); false when malformed. */
static bool role_duration(struct resolver *r, const struct profile *p, long *secs)
{
	const char *d = profile_get(r, p, "duration_seconds");
	*secs = 0;
	if (!d)
		return true;
	char *end, w[512];
	errno = 0;
	*secs = strtol(d, &end, 10);
	if (!errno && !*end && end != d && *secs >= 1 && *secs <= 43200)
		return true;
	return fail(r, "%s: profile '%s': duration_seconds must be a number of seconds up to "
		    "43200", where(r, p, "duration_seconds", w, sizeof(w)), p->name);
}

/* The role step, after the steps that give its credentials. */
static void role_step(struct resolver *r, const struct profile *p, long secs)
{
	struct buf o = BUF_INIT;
	buf_printf(&o, "profile %s", p->name);
	struct aws_cred_step *s = step_push(r->plan, AWS_CRED_ASSUME_ROLE, o.data);
	buf_free(&o);
	s->role_arn = xstrdup(profile_get(r, p, "role_arn"));
	s->external_id = xstrdup(profile_get(r, p, "external_id"));
	s->role_session_name = xstrdup(profile_get(r, p, "role_session_name"));
	s->duration_seconds = secs;
}

static bool assume_role(struct resolver *r, const struct profile *p)
{
	const char *sp = profile_get(r, p, "source_profile");
	const char *cs = profile_get(r, p, "credential_source");
	char w[512];
	where(r, p, "role_arn", w, sizeof(w));
	if (sp && cs)
		return fail(r, "%s: profile '%s' has both source_profile and credential_source",
			    w, p->name);
	if (!sp && !cs)
		return fail(r, "%s: profile '%s' has role_arn but neither source_profile nor "
			    "credential_source", w, p->name);
	if (profile_get(r, p, "mfa_serial"))
		return fail(r, "%s: profile '%s' needs an MFA code (mfa_serial), which crrc "
			    "cannot ask for", w, p->name);
	long secs;
	if (!role_duration(r, p, &secs))
		return false;
	if (cs) {
		if (!credential_source(r, p, cs))
			return false;
	} else {
		struct profile src = profile_find(r, sp);
		if (!source_check(r, p, &src) || !resolve_profile(r, &src, false))
			return false;
	}
	role_step(r, p, secs);
	return true;
}

/* The first of these a profile has, when crrc cannot use it. */
static bool unsupported(struct resolver *r, const struct profile *p,
			const char *const *names, size_t n)
{
	char w[512];
	for (size_t i = 0; i < n; i++)
		if (profile_get(r, p, names[i]))
			return fail(r, "%s: profile '%s' uses %s, which crrc does not support",
				    where(r, p, names[i], w, sizeof(w)), p->name, names[i]);
	return true;
}

/* A profile's credentials in botocore's order: as the top profile, role_arn
 * (web identity, SSO) before static keys (then credential_process); as a
 * source profile, static keys first. */
static bool resolve_profile(struct resolver *r, const struct profile *p, bool top)
{
	static const char *const before[] = {"web_identity_token_file", "sso_start_url",
					     "sso_session"};
	static const char *const after[] = {"credential_process"};
	if (!top && has_static(r, p))
		return profile_static(r, p);
	bool web = profile_get(r, p, "web_identity_token_file") != NULL;
	if (profile_get(r, p, "role_arn") && !web)
		return assume_role(r, p);
	if (!unsupported(r, p, before, sizeof(before) / sizeof(*before)))
		return false;
	if (has_static(r, p))
		return profile_static(r, p);
	if (!unsupported(r, p, after, 1))
		return false;
	return fail(r, "profile '%s' has no credentials (aws_access_key_id and "
		    "aws_secret_access_key, or role_arn)", p->name);
}

static void region_pick(struct resolver *r, const struct profile *p)
{
	const char *v = env_get(r, "AWS_REGION");
	if (!v)
		v = env_get(r, "AWS_DEFAULT_REGION");
	if (!v && profile_exists(p))
		v = profile_get(r, p, "region");
	r->plan->region = xstrdup(v);
}

static bool resolve(struct resolver *r, const char *explicit_profile)
{
	if (!file_load(r, &r->config) || !file_load(r, &r->credentials))
		return false;
	const char *name = explicit_profile ? explicit_profile : env_get(r, "AWS_PROFILE");
	bool named = name != NULL;
	struct profile p = profile_find(r, named ? name : "default");
	if (named && !profile_exists(&p))
		return fail(r, "the profile '%s'%s is in neither %s nor %s", name,
			    explicit_profile ? "" : " (AWS_PROFILE)",
			    r->config.path ? r->config.path : "the config file",
			    r->credentials.path ? r->credentials.path : "the credentials file");
	region_pick(r, &p);
	if (profile_exists(&p))
		r->plan->profile = xstrdup(p.name);
	if (!explicit_profile) {
		if (!env_static(r, false, ""))
			return false;
		if (r->plan->nsteps)
			return true;
	}
	if (!profile_exists(&p))
		return fail(r, "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
			    "or AWS_PROFILE and a profile in %s or %s",
			    r->config.path ? r->config.path : "the config file",
			    r->credentials.path ? r->credentials.path : "the credentials file");
	r->visited[r->nvisited++] = p.name;
	return resolve_profile(r, &p, true);
}

struct aws_cred_plan *aws_creds_resolve(const char *profile, aws_getenv_fn *env, char **err)
{
	*err = NULL;
	struct resolver r = {.env = env ? env : system_getenv, .err = err};
	r.plan = xcalloc(1, sizeof(*r.plan));
	r.config.path = file_path(&r, "AWS_CONFIG_FILE", ".aws/config");
	r.credentials.path = file_path(&r, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
	if (!resolve(&r, profile && *profile ? profile : NULL)) {
		if (!*err)
			*err = xstrdup("credentials could not be resolved");
		aws_cred_plan_destroy(r.plan);
		r.plan = NULL;
	}
	for (struct creds_file *f = &r.config; f; f = f == &r.config ? &r.credentials : NULL) {
		free(f->path);
		ini_clear(&f->ini);
	}
	return r.plan;
}

void aws_cred_plan_destroy(struct aws_cred_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->nsteps; i++) {
		struct aws_cred_step *s = &plan->steps[i];
		free(s->origin);
		aws_creds_clear(&s->creds);
		free(s->role_arn);
		free(s->external_id);
		free(s->role_session_name);
	}
	free(plan->steps);
	free(plan->profile);
	free(plan->region);
	free(plan);
}
