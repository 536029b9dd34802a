/* test_creds.c: credentials as the AWS CLI finds them (creds.c, ini.c),
 * with config and credentials files in a fresh temporary directory and the
 * environment as a table: environment keys and when a profile overrides
 * them, static profiles, role chains and their loops, credential_source,
 * the region's order, what crrc refuses, the INI syntax botocore accepts
 * (long lines, case, ':' , continuations, CRLF, [DEFAULT]), errors that name
 * file and line but never a secret, and garbage that must not crash. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/ini.h"
#include "check_main.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static char dir[256], cfg_path[300], cred_path[300];
static const char *env_tab[32][2];
static size_t nenv;

static const char *tenv(const char *name)
{
	for (size_t i = 0; i < nenv; i++)
		if (strcmp(env_tab[i][0], name) == 0)
			return env_tab[i][1];
	return NULL;
}

static void env_set(const char *name, const char *value)
{
	for (size_t i = 0; i < nenv; i++)
		if (strcmp(env_tab[i][0], name) == 0) {
			env_tab[i][1] = value;
			return;
		}
	env_tab[nenv][0] = name;
	env_tab[nenv++][1] = value;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void files(const char *config, const char *credentials)
{
	unlink(cfg_path);
	unlink(cred_path);
	if (config)
		write_file(cfg_path, config, strlen(config));
	if (credentials)
		write_file(cred_path, credentials, strlen(credentials));
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/test_creds.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cfg_path, sizeof(cfg_path), "%s/config", dir);
	snprintf(cred_path, sizeof(cred_path), "%s/credentials", dir);
	nenv = 0;
	env_set("HOME", dir);
	env_set("AWS_CONFIG_FILE", cfg_path);
	env_set("AWS_SHARED_CREDENTIALS_FILE", cred_path);
}

static void teardown(void)
{
	unlink(cfg_path);
	unlink(cred_path);
	rmdir(dir);
}

/* Resolve; on failure return NULL with the message in *err (checked to
 * hold no secret). */
static struct aws_cred_plan *resolve(const char *profile, char **err)
{
	*err = NULL;
	struct aws_cred_plan *p = aws_creds_resolve(profile, tenv, err);
	if (p)
		ck_assert_ptr_null(*err);
	else
		ck_assert_ptr_nonnull(*err);
	if (*err) {
		ck_assert_ptr_null(strstr(*err, SECRET));
		ck_assert_ptr_null(strstr(*err, "TOKENVALUE"));
	}
	return p;
}

static struct aws_cred_plan *must(const char *profile)
{
	char *err;
	struct aws_cred_plan *p = resolve(profile, &err);
	ck_assert_msg(p != NULL, "%s", err ? err : "");
	return p;
}

/* The message of a failure, which must contain want. */
static void must_fail(const char *profile, const char *want)
{
	char *err;
	struct aws_cred_plan *p = resolve(profile, &err);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
	free(err);
}

static void assert_static(const struct aws_cred_step *s, const char *id, const char *token,
			  const char *origin)
{
	ck_assert_int_eq(s->kind, AWS_CRED_STATIC);
	ck_assert_str_eq(s->creds.access_key_id, id);
	ck_assert_str_eq(s->creds.secret_access_key, SECRET);
	if (token)
		ck_assert_str_eq(s->creds.session_token, token);
	else
		ck_assert_ptr_null(s->creds.session_token);
	ck_assert_str_eq(s->origin, origin);
}

START_TEST(environment)
{
	files(NULL, NULL);
	must_fail(NULL, "no credentials");
	env_set("AWS_ACCESS_KEY_ID", "AKENV");
	must_fail(NULL, "AWS_SECRET_ACCESS_KEY is not");
	env_set("AWS_SECRET_ACCESS_KEY", SECRET);
	env_set("AWS_SESSION_TOKEN", "TOKENVALUE");
	env_set("AWS_DEFAULT_REGION", "eu-west-1");
	struct aws_cred_plan *p = must(NULL);
	ck_assert_uint_eq(p->nsteps, 1);
	assert_static(&p->steps[0], "AKENV", "TOKENVALUE", "environment variables");
	ck_assert_ptr_null(p->profile);
	ck_assert_str_eq(p->region, "eu-west-1");
	aws_cred_plan_destroy(p);
	env_set("AWS_REGION", "cn-north-1");
	env_set("AWS_SESSION_TOKEN", "");
	p = must(NULL);
	ck_assert_ptr_null(p->steps[0].creds.session_token);
	ck_assert_str_eq(p->region, "cn-north-1");
	aws_cred_plan_destroy(p);
	aws_cred_plan_destroy(NULL);
}
END_TEST

START_TEST(profiles_and_environment)
{
	files("[default]\nregion = us-west-2\n[profile prod]\nregion = eu-central-1\n",
	      "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = " SECRET "\n"
	      "[prod]\naws_access_key_id=AKPROD\naws_secret_access_key=" SECRET "\n"
	      "aws_session_token=TOKENVALUE\n");
	struct aws_cred_plan *p = must(NULL);
	assert_static(&p->steps[0], "AKDEF", NULL, "profile default");
	ck_assert_str_eq(p->profile, "default");
	ck_assert_str_eq(p->region, "us-west-2");
	aws_cred_plan_destroy(p);
	/* AWS_PROFILE names the profile; environment keys still win over it. */
	env_set("AWS_PROFILE", "prod");
	p = must(NULL);
	assert_static(&p->steps[0], "AKPROD", "TOKENVALUE", "profile prod");
	ck_assert_str_eq(p->region, "eu-central-1");
	aws_cred_plan_destroy(p);
	env_set("AWS_ACCESS_KEY_ID", "AKENV");
	env_set("AWS_SECRET_ACCESS_KEY", SECRET);
	p = must(NULL);
	assert_static(&p->steps[0], "AKENV", NULL, "environment variables");
	ck_assert_str_eq(p->profile, "prod");
	ck_assert_str_eq(p->region, "eu-central-1");
	aws_cred_plan_destroy(p);
	/* An explicit profile ignores the environment's keys. */
	p = must("default");
	assert_static(&p->steps[0], "AKDEF", NULL, "profile default");
	aws_cred_plan_destroy(p);
	env_set("AWS_PROFILE", "nope");
	must_fail(NULL, "'nope' (AWS_PROFILE) is in neither");
	must_fail("other", "'other' is in neither");
}
END_TEST

START_TEST(role_chain)
{
	files("[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\n"
	      "external_id = ext-1\nrole_session_name = sess\nduration_seconds = 900\n"
	      "region = eu-west-1\n"
	      "[profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = c\n"
	      "aws_access_key_id = IGNORED\n",
	      "[c]\naws_access_key_id = AKC\naws_secret_access_key = " SECRET "\n"
	      "[b]\naws_secret_access_key = " SECRET "\n");
	/* b has static keys (one in each file): as a source they come first. */
	struct aws_cred_plan *p = must("a");
	ck_assert_uint_eq(p->nsteps, 2);
	assert_static(&p->steps[0], "IGNORED", NULL, "profile b");
	ck_assert_int_eq(p->steps[1].kind, AWS_CRED_ASSUME_ROLE);
	ck_assert_str_eq(p->steps[1].role_arn, "arn:aws:iam::111111111111:role/A");
	ck_assert_str_eq(p->steps[1].external_id, "ext-1");
	ck_assert_str_eq(p->steps[1].role_session_name, "sess");
	ck_assert_int_eq(p->steps[1].duration_seconds, 900);
	ck_assert_str_eq(p->region, "eu-west-1");
	aws_cred_plan_destroy(p);
	files("[profile a]\nrole_arn = RA\nsource_profile = b\n"
	      "[profile b]\nrole_arn = RB\nsource_profile = c\n",
	      "[c]\naws_access_key_id = AKC\naws_secret_access_key = " SECRET "\n");
	p = must("a");
	ck_assert_uint_eq(p->nsteps, 3);
	assert_static(&p->steps[0], "AKC", NULL, "profile c");
	ck_assert_str_eq(p->steps[1].role_arn, "RB");
	ck_assert_str_eq(p->steps[1].origin, "profile b");
	ck_assert_ptr_null(p->steps[1].external_id);
	ck_assert_ptr_null(p->steps[1].role_session_name);
	ck_assert_int_eq(p->steps[1].duration_seconds, 0);
	ck_assert_str_eq(p->steps[2].role_arn, "RA");
	aws_cred_plan_destroy(p);
	/* At the top, role_arn comes before the profile's own static keys. */
	files("[profile s]\nrole_arn = RS\nsource_profile = s\n",
	      "[s]\naws_access_key_id = AKS\naws_secret_access_key = " SECRET "\n");
	p = must("s");
	ck_assert_uint_eq(p->nsteps, 2);
	assert_static(&p->steps[0], "AKS", NULL, "profile s");
	ck_assert_str_eq(p->steps[1].role_arn, "RS");
	aws_cred_plan_destroy(p);
}
END_TEST

START_TEST(role_errors)
{
	files("[profile a]\nrole_arn = RA\nsource_profile = b\n"
	      "[profile b]\nrole_arn = RB\nsource_profile = a\n", NULL);
	must_fail("a", "makes a loop");
	files("[profile a]\nrole_arn = RA\nsource_profile = a\n", NULL);
	must_fail("a", "makes a loop");
	files("[profile a]\nrole_arn = RA\nsource_profile = missing\n", NULL);
	must_fail("a", "config:3: profile 'a': source_profile 'missing' is in neither file");
	files("[profile a]\nrole_arn = RA\nsource_profile = b\ncredential_source = Environment\n"
	      "[profile b]\naws_access_key_id=x\naws_secret_access_key=y\n", NULL);
	must_fail("a", "both source_profile and credential_source");
	files("[profile a]\nrole_arn = RA\n", NULL);
	must_fail("a", "neither source_profile nor credential_source");
	files("[profile a]\nrole_arn = RA\ncredential_source = Ec2InstanceMetadata\n", NULL);
	must_fail("a", "not supported");
	files("[profile a]\nrole_arn = RA\ncredential_source = environment\n", NULL);
	must_fail("a", "must be Environment");
	files("[profile a]\nrole_arn = RA\ncredential_source = Environment\nmfa_serial = m\n", NULL);
	must_fail("a", "MFA");
	files("[profile a]\nrole_arn = RA\ncredential_source = Environment\n"
	      "duration_seconds = 12h\n", NULL);
	must_fail("a", "config:4: profile 'a': duration_seconds");
	files("[profile a]\ncredential_process = /bin/creds\n", NULL);
	must_fail("a", "uses credential_process");
	files("[profile a]\nsso_session = x\n", NULL);
	must_fail("a", "uses sso_session");
	files("[profile a]\nregion = us-east-1\n", NULL);
	must_fail("a", "has no credentials");
	/* A chain longer than crrc follows. */
	char text[8192] = "";
	for (int i = 0; i < 40; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[profile p%d]\nrole_arn = R%d\nsource_profile = p%d\n", i, i, i + 1);
	files(text, NULL);
	must_fail("p0", "roles chained");
}
END_TEST

START_TEST(credential_source_environment)
{
	files("[profile a]\nrole_arn = RA\ncredential_source = Environment\n", NULL);
	must_fail("a", "no AWS_ACCESS_KEY_ID in the environment");
	env_set("AWS_ACCESS_KEY_ID", "AKENV");
	env_set("AWS_SECRET_ACCESS_KEY", SECRET);
	env_set("AWS_SECURITY_TOKEN", "TOKENVALUE"); /* the old name still counts */
	struct aws_cred_plan *p = must("a");
	ck_assert_uint_eq(p->nsteps, 2);
	assert_static(&p->steps[0], "AKENV", "TOKENVALUE", "environment variables");
	ck_assert_str_eq(p->steps[1].role_arn, "RA");
	aws_cred_plan_destroy(p);
}
END_TEST

START_TEST(partial_and_bad_files)
{
	files(NULL, "[default]\naws_secret_access_key = " SECRET "\n");
	must_fail(NULL, "credentials:2: profile 'default' has aws_secret_access_key but no "
		  "aws_access_key_id");
	files(NULL, "[default]\naws_access_key_id = AK\n" SECRET "\n");
	must_fail(NULL, "credentials:3: expected 'name = value'");
	files("region = x\n", NULL);
	must_fail(NULL, "config:1: a value before any [section]");
	files("[default]\nregion = a\n[default]\n", NULL);
	must_fail(NULL, "config:3: a section repeated");
	files("[default]\nRegion = a\nregion = b\n", NULL);
	must_fail(NULL, "config:3: a name repeated");
	files("[default]\n = " SECRET "\n", NULL);
	must_fail(NULL, "config:2: a value without a name");
	write_file(cfg_path, "[default]\nregion = a\0b\n", 22);
	must_fail(NULL, "config:2: a NUL byte");
	/* A directory where a file is expected counts as no file. */
	env_set("AWS_CONFIG_FILE", dir);
	files(NULL, "[default]\naws_access_key_id=AK\naws_secret_access_key=" SECRET "\n");
	struct aws_cred_plan *p = must(NULL);
	aws_cred_plan_destroy(p);
}
END_TEST

START_TEST(ini_syntax)
{
	/* A 20,000-character token, CRLF, ':' , upper-case names, comments,
	 * blank lines, a continuation, [DEFAULT] and a spaced "profile". */
	size_t n = 20000;
	char *tok = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		tok[i] = "ABCxyz019+/="[i % 12];
	tok[n] = '\0';
	size_t cap = n + 1024;
	char *text = malloc(cap);
	snprintf(text, cap,
		 "# comment\r\n; another\r\n[DEFAULT]\r\nregion = ap-south-1\r\n"
		 "[prod]\r\n  AWS_Access_Key_ID:AKPROD  \r\n\r\n"
		 "aws_secret_access_key\t=\t" SECRET "\r\n  # a comment inside\r\n"
		 "aws_session_token = %s\r\n"
		 "s3 =\r\n    addressing_style = path\r\n    signature_version = s3v4\r\n",
		 tok);
	files("[profile   prod  ]\nregion = eu-north-1\n[profile \"my prod\"]\nregion = x\n", NULL);
	write_file(cred_path, text, strlen(text));
	struct aws_cred_plan *p = must("prod");
	assert_static(&p->steps[0], "AKPROD", tok, "profile prod");
	ck_assert_str_eq(p->region, "ap-south-1"); /* the credentials file's [DEFAULT] */
	aws_cred_plan_destroy(p);
	free(text);
	free(tok);
	/* The config file's region when the credentials file has none. */
	files("[profile   prod  ]\nregion = eu-north-1\n[profile \"my prod\"]\nregion = x\n",
	      "[prod]\naws_access_key_id = A\naws_secret_access_key = " SECRET "\n");
	p = must("prod");
	ck_assert_str_eq(p->region, "eu-north-1");
	aws_cred_plan_destroy(p);
	files("[profile \"my prod\"]\naws_access_key_id = A\naws_secret_access_key = " SECRET
	      "\nregion = x\n", NULL);
	p = must("my prod");
	ck_assert_str_eq(p->region, "x");
	aws_cred_plan_destroy(p);
	/* "~/" is $HOME; a profile of the credentials file needs no prefix. */
	env_set("AWS_CONFIG_FILE", "~/config");
	files("[profile x]\naws_access_key_id = A\naws_secret_access_key = " SECRET "\n",
	      "[profile x]\naws_access_key_id = B\n");
	p = must("x");
	assert_static(&p->steps[0], "A", NULL, "profile x");
	aws_cred_plan_destroy(p);
}
END_TEST

/* xorshift: garbage that is the same on every run. */
static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char *const headers[] = {
	"[profile a]", "[profile b]", "[default]", "[a]", "[b]", "[DEFAULT]", "[profile  a ]",
	"[profile \"b\"]", "[profile]",
};
static const char *const bad_headers[] = {"[]", "[x", "x]"};
static const char *const keys[] = {
	"role_arn", "source_profile", "credential_source", "aws_access_key_id",
	"aws_secret_access_key", "aws_session_token", "region", "duration_seconds",
	"external_id", "mfa_serial", "credential_process",
};
static const char *const values[] = {
	"a", "b", "default", "Environment", "R", "99999", "900", "AK", SECRET, "", "x y",
};
static const char *const seps[] = {"=", " = ", ":", "\t=  "};

#define PICK(seed, a) (a)[rnd(seed) % (sizeof(a) / sizeof(*(a)))]

/* One line "key = value", the value likely to make sense for the key. */
static size_t fuzz_entry(char *out, const char *key, unsigned long *seed)
{
	static const char *const profiles[] = {"a", "b", "default"};
	const char *v = PICK(seed, values);
	if (rnd(seed) % 4) {
		if (strcmp(key, "source_profile") == 0)
			v = PICK(seed, profiles);
		else if (strcmp(key, "credential_source") == 0)
			v = "Environment";
		else if (strncmp(key, "aws_", 4) == 0)
			v = SECRET;
	}
	return (size_t)sprintf(out, "%s%s%s", key, PICK(seed, seps), v);
}

/* A random permutation of the n strings of from. */
static void shuffle(const char **to, const char *const *from, size_t n, unsigned long *seed)
{
	memcpy(to, from, n * sizeof(*to));
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd(seed) % (i + 1);
		const char *t = to[i];
		to[i] = to[j];
		to[j] = t;
	}
}

/* A few sections of distinct keys each, mostly well-formed (so that
 * profiles resolve, chain and loop), with comments, continuations and a
 * little garbage. */
static size_t garbage(char *out, unsigned long *seed)
{
	size_t len = 0, nsect = rnd(seed) % 5, nkeys = sizeof(keys) / sizeof(*keys);
	const char *sects[sizeof(headers) / sizeof(*headers)];
	shuffle(sects, headers, sizeof(headers) / sizeof(*headers), seed);
	for (size_t sect = 0; sect < nsect; sect++) {
		bool bad = rnd(seed) % 20 == 0;
		len += (size_t)sprintf(out + len, "%s\n", bad ? PICK(seed, bad_headers) : sects[sect]);
		const char *order[sizeof(keys) / sizeof(*keys)];
		shuffle(order, keys, nkeys, seed); /* distinct keys */
		for (size_t i = 0, n = rnd(seed) % 6; i < n; i++) {
			unsigned long k = rnd(seed) % 100;
			if (k < 3)
				for (unsigned long m = rnd(seed) % 20; m--;)
					out[len++] = (char)(rnd(seed) & 0xff);
			else if (k < 6)
				len += (size_t)sprintf(out + len, "  continued");
			else if (k < 9)
				len += (size_t)sprintf(out + len, "# comment");
			else
				len += fuzz_entry(out + len, order[i], seed);
			out[len++] = rnd(seed) % 32 ? '\n' : '\r';
		}
	}
	return len;
}

START_TEST(fuzz)
{
	unsigned long seed = 0x9e3779b97f4a7c15ul;
	char cfg[4096], cred[4096]; /* 4 sections of 6 lines of 90 bytes at most */
	env_set("AWS_ACCESS_KEY_ID", "AKENV");
	env_set("AWS_SECRET_ACCESS_KEY", SECRET);
	const char *profiles[] = {NULL, "a", "b", "default"};
	for (int round = 0; round < 4000; round++) {
		size_t a = garbage(cfg, &seed), b = garbage(cred, &seed);
		write_file(cfg_path, cfg, a);
		write_file(cred_path, cred, b);
		char *err = NULL;
		struct aws_cred_plan *p = aws_creds_resolve(profiles[round % 4], tenv, &err);
		ck_assert((p == NULL) != (err == NULL));
		if (p) {
			ck_assert_uint_ge(p->nsteps, 1);
			ck_assert_int_eq(p->steps[0].kind, AWS_CRED_STATIC);
			for (size_t i = 1; i < p->nsteps; i++)
				ck_assert_int_eq(p->steps[i].kind, AWS_CRED_ASSUME_ROLE);
		} else {
			ck_assert(err[0]);
		}
		aws_cred_plan_destroy(p);
		free(err);
	}
	/* The INI reader alone, on raw bytes. */
	for (int round = 0; round < 3000; round++) {
		size_t n = rnd(&seed) % sizeof(cfg);
		for (size_t i = 0; i < n; i++)
			cfg[i] = (char)"[]=:#; \t\n\r\0ab\x80"[rnd(&seed) % 15];
		struct ini ini = {0};
		char *err = NULL;
		if (ini_parse(&ini, cfg, n, "f", &err)) {
			ck_assert_ptr_null(err);
			ini_clear(&ini);
		} else {
			ck_assert_ptr_nonnull(err);
			ck_assert_uint_eq(ini.nsections, 0);
			free(err);
		}
	}
}
END_TEST

START_TEST(set_and_clear)
{
	struct aws_creds c = {0};
	aws_creds_set(&c, "A", "S", NULL);
	ck_assert_ptr_null(c.session_token);
	aws_creds_set(&c, "B", "T", "U");
	ck_assert_str_eq(c.access_key_id, "B");
	ck_assert_str_eq(c.session_token, "U");
	aws_creds_clear(&c);
	ck_assert_ptr_null(c.access_key_id);
	aws_creds_clear(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("creds");
	TCase *t = tcase_create("creds");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, environment);
	tcase_add_test(t, profiles_and_environment);
	tcase_add_test(t, role_chain);
	tcase_add_test(t, role_errors);
	tcase_add_test(t, credential_source_environment);
	tcase_add_test(t, partial_and_bad_files);
	tcase_add_test(t, ini_syntax);
	tcase_add_test(t, fuzz);
	tcase_add_test(t, set_and_clear);
	suite_add_tcase(s, t);
	return check_main(s);
}
