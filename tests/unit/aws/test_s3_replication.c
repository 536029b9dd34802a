/* test_s3_replication.c: the replication configuration (aws/
 * s3_replication.h): parsing S3's answers and crrc's own documents,
 * rendering in the S3 model's order, the canonical comparison and each of
 * its normalisations, and the round trip over every spec of examples/ and
 * tests/ (s3xml's document -> parse -> render -> parse gives the same
 * struct, and compares equal to itself and to the first parse). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/model_helpers.h"
#include "aws/s3_replication.h"
#include "aws/sigv4.h"
#include "aws_helpers.h"
#include "base/buf.h"
#include "model/s3xml.h"

#define NS "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

/* The S3 API reference's GetBucketReplication example, as S3 indents it. */
static const char aws_example[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<ReplicationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
	"  <Role>arn:aws:iam::35667example:role/CrossRegionReplicationRoleForS3</Role>\n"
	"  <Rule>\n    <ID>rule1</ID>\n    <Status>Enabled</Status>\n    <Priority>1</Priority>\n"
	"    <DeleteMarkerReplication>\n       <Status>Disabled</Status>\n"
	"    </DeleteMarkerReplication>\n    <Filter>\n       <And>\n"
	"          <Prefix>TaxDocs</Prefix>\n"
	"          <Tag>\n             <Key>key1</Key>\n             <Value>value1</Value>\n"
	"          </Tag>\n          <Tag>\n             <Key>key2</Key>\n"
	"             <Value>value2</Value>\n          </Tag>\n       </And>\n    </Filter>\n"
	"    <Destination>\n      <Bucket>arn:aws:s3:::exampletargetbucket</Bucket>\n"
	"    </Destination>\n  </Rule>\n</ReplicationConfiguration>\n";

/* Every field, in crrc's (s3xml's) element order. */
static const char every_field[] =
	"<ReplicationConfiguration " NS "><Role>arn:aws:iam::111122223333:role/r</Role>"
	"<Rule><ID>r1</ID><Priority>7</Priority><Status>Enabled</Status>"
	"<Filter><Tag><Key>k</Key><Value>v &amp; w</Value></Tag></Filter>"
	"<SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status>"
	"</SseKmsEncryptedObjects><ReplicaModifications><Status>Enabled</Status>"
	"</ReplicaModifications></SourceSelectionCriteria>"
	"<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>"
	"<Destination><Bucket>arn:aws:s3:::dst</Bucket><Account>444455556666</Account>"
	"<StorageClass>GLACIER_IR</StorageClass><AccessControlTranslation><Owner>Destination"
	"</Owner></AccessControlTranslation><EncryptionConfiguration><ReplicaKmsKeyID>"
	"arn:aws:kms:eu-west-1:444455556666:key/k</ReplicaKmsKeyID></EncryptionConfiguration>"
	"<ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time>"
	"</ReplicationTime><Metrics><Status>Enabled</Status><EventThreshold><Minutes>15"
	"</Minutes></EventThreshold></Metrics></Destination></Rule></ReplicationConfiguration>";

/* The same in the S3 model's order, as s3_replication_xml writes it. */
static const char every_field_rendered[] =
	"<ReplicationConfiguration " NS "><Role>arn:aws:iam::111122223333:role/r</Role>"
	"<Rule><ID>r1</ID><Priority>7</Priority>"
	"<Filter><Tag><Key>k</Key><Value>v &amp; w</Value></Tag></Filter><Status>Enabled</Status>"
	"<SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status>"
	"</SseKmsEncryptedObjects><ReplicaModifications><Status>Enabled</Status>"
	"</ReplicaModifications></SourceSelectionCriteria>"
	"<Destination><Bucket>arn:aws:s3:::dst</Bucket><Account>444455556666</Account>"
	"<StorageClass>GLACIER_IR</StorageClass><AccessControlTranslation><Owner>Destination"
	"</Owner></AccessControlTranslation><EncryptionConfiguration><ReplicaKmsKeyID>"
	"arn:aws:kms:eu-west-1:444455556666:key/k</ReplicaKmsKeyID></EncryptionConfiguration>"
	"<ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time>"
	"</ReplicationTime><Metrics><Status>Enabled</Status><EventThreshold><Minutes>15"
	"</Minutes></EventThreshold></Metrics></Destination>"
	"<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>"
	"</Rule></ReplicationConfiguration>";

static void parse_ok(const char *xml, struct s3_replication *out)
{
	char err[256] = "";
	ck_assert_msg(s3_replication_parse(xml, strlen(xml), out, err, sizeof(err)),
		      "parse failed: %s", err);
}

/* Every difference as "id|field|want|have\n". */
static void collect(const char *id, const char *field, const char *want, const char *have,
		    void *ud)
{
	buf_printf(ud, "%s|%s|%s|%s\n", id ? id : "-", field, want ? want : "(none)",
		   have ? have : "(none)");
}

static const char *diff_text(const char *want, const char *have)
{
	static struct buf b;
	struct s3_replication w, h;
	parse_ok(want, &w);
	parse_ok(have, &h);
	b.len = 0;
	buf_putc(&b, '\0');
	b.len = 0;
	size_t n = s3_replication_diff(&w, &h, collect, &b);
	ck_assert_uint_eq(n, s3_replication_diff(&w, &h, NULL, NULL));
	s3_replication_free(&w);
	s3_replication_free(&h);
	return b.data;
}

START_TEST(parse_aws_example)
{
	struct s3_replication r;
	parse_ok(aws_example, &r);
	ck_assert_str_eq(r.role, "arn:aws:iam::35667example:role/CrossRegionReplicationRoleForS3");
	ck_assert_uint_eq(r.nrules, 1);
	struct s3_rule *x = &r.rules[0];
	ck_assert_str_eq(x->id, "rule1");
	ck_assert(x->has_priority);
	ck_assert_int_eq(x->priority, 1);
	ck_assert_int_eq(x->status, S3_STATUS_ENABLED);
	ck_assert_int_eq(x->delete_markers, S3_STATUS_DISABLED);
	ck_assert_int_eq(x->filter, S3_FILTER_AND);
	ck_assert_str_eq(x->filter_prefix, "TaxDocs");
	ck_assert_uint_eq(x->filter_tags.n, 2);
	ck_assert_str_eq(x->filter_tags.v[1].key, "key2");
	ck_assert_str_eq(x->filter_tags.v[1].value, "value2");
	ck_assert_str_eq(x->dest.bucket, "arn:aws:s3:::exampletargetbucket");
	ck_assert_ptr_null(x->dest.account);
	ck_assert_int_eq(x->dest.rtc, S3_STATUS_ABSENT);
	ck_assert_int_eq(x->dest.rtc_minutes, -1);
	ck_assert(!x->source_selection);
	s3_replication_free(&r);
	s3_replication_free(&r);
	s3_replication_free(NULL);
}
END_TEST

START_TEST(render_every_field)
{
	struct s3_replication r;
	parse_ok(every_field, &r);
	struct buf b = BUF_INIT;
	s3_replication_xml(&r, &b);
	ck_assert_str_eq(b.data, every_field_rendered);
	ck_assert_str_eq(diff_text(every_field, every_field_rendered), "");
	buf_free(&b);
	s3_replication_free(&r);
}
END_TEST

START_TEST(get_and_put)
{
	struct s3_replication r;
	parse_ok(every_field, &r);
	struct aws_request *req =
		s3_put_replication("http://127.0.0.1:5000", "/src", "eu-west-1", &r);
	char md5[25];
	sigv4_content_md5(every_field_rendered, strlen(every_field_rendered), md5);
	struct buf want = BUF_INIT;
	buf_printf(&want, "PUT http://127.0.0.1:5000/src?replication=\n"
			  "Content-Type: application/xml\nContent-MD5: %s\n\n%s",
		   md5, every_field_rendered);
	ck_assert_str_eq(req_text(req), want.data);
	buf_free(&want);
	aws_request_destroy(req);
	s3_replication_free(&r);

	req = s3_get_replication("https://s3.amazonaws.com", "", "us-east-1");
	ck_assert_str_eq(req_text(req), "GET https://s3.amazonaws.com/?replication=\n\n");
	aws_request_destroy(req);

	struct aws_response resp;
	char err[256] = "";
	resp_make(&resp, 200, aws_example, NULL);
	ck_assert_int_eq(s3_get_replication_parse(&resp, &r, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(r.nrules, 1);
	s3_replication_free(&r);
	aws_response_clear(&resp);
	resp_make(&resp, 404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
		  "ReplicationConfigurationNotFoundError</Code><Message>The replication "
		  "configuration was not found</Message><BucketName>src</BucketName></Error>",
		  NULL);
	ck_assert_int_eq(s3_get_replication_parse(&resp, &r, err, sizeof(err)),
			 AWS_READ_ABSENT);
	ck_assert_uint_eq(r.nrules, 0);
	aws_response_clear(&resp);
	resp_make(&resp, 200, "<ReplicationConfiguration><Rule><Status>On</Status></Rule>"
		  "</ReplicationConfiguration>", NULL);
	ck_assert_int_eq(s3_get_replication_parse(&resp, &r, err, sizeof(err)),
			 AWS_READ_FAILED);
	ck_assert_str_eq(err, "a Status that is neither Enabled nor Disabled: 'On'");
	aws_response_clear(&resp);
}
END_TEST

START_TEST(parse_errors)
{
	struct s3_replication r;
	char err[256];
	static const char *bad[][2] = {
		{"<ReplicationConfiguration><Rule><Priority>1x</Priority></Rule>"
		 "</ReplicationConfiguration>", "a Priority that is not an integer: '1x'"},
		{"<ReplicationConfiguration><Rule><Filter><Prefix/><Tag/></Filter></Rule>"
		 "</ReplicationConfiguration>",
		 "a Filter with more than one of Prefix, Tag and And: ''"},
		{"<ReplicationConfiguration><Rule><Destination><ReplicationTime><Status>Enabled"
		 "</Status><Time><Minutes>-</Minutes></Time></ReplicationTime></Destination></Rule>"
		 "</ReplicationConfiguration>", "Minutes that are not a number: '-'"},
		{"<ReplicationConfiguration><Rule><DeleteMarkerReplication><Status>enabled"
		 "</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>",
		 "a Status that is neither Enabled nor Disabled: 'enabled'"},
		{"<Replication/>", "expected a <ReplicationConfiguration> document, got <Replication>"},
		{"", "not well-formed XML"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert(!s3_replication_parse(bad[i][0], strlen(bad[i][0]), &r, err, sizeof(err)));
		ck_assert_str_eq(err, bad[i][1]);
		ck_assert_uint_eq(r.nrules, 0);
		ck_assert_ptr_null(r.rules);
	}
}
END_TEST

#define CONF(rules) "<ReplicationConfiguration><Role>R</Role>" rules "</ReplicationConfiguration>"
#define RULE(id, body) "<Rule><ID>" id "</ID><Priority>1</Priority><Status>Enabled</Status>" \
	body "<Destination><Bucket>arn:aws:s3:::d</Bucket></Destination></Rule>"

START_TEST(normalised_defaults)
{
	/* An absent Status is Disabled, for every sub-element that has one. */
	ck_assert_str_eq(diff_text(CONF(RULE("a", "")),
				   CONF(RULE("a", "<DeleteMarkerReplication><Status>Disabled</Status>"
						  "</DeleteMarkerReplication><SourceSelectionCriteria>"
						  "<SseKmsEncryptedObjects><Status>Disabled</Status>"
						  "</SseKmsEncryptedObjects></SourceSelectionCriteria>"
						  "<ExistingObjectReplication><Status>Disabled</Status>"
						  "</ExistingObjectReplication>"))),
			 "");
	ck_assert_str_eq(diff_text(CONF(RULE("a", "<SourceSelectionCriteria/>")),
				   CONF(RULE("a", "<SourceSelectionCriteria><ReplicaModifications>"
						  "<Status>Disabled</Status></ReplicaModifications>"
						  "</SourceSelectionCriteria>"))),
			 "");
	ck_assert_str_eq(diff_text(CONF(RULE("a", "<DeleteMarkerReplication><Status>Enabled"
						  "</Status></DeleteMarkerReplication>")),
				   CONF(RULE("a", ""))),
			 "a|DeleteMarkerReplication.Status|Enabled|Disabled\n");
}
END_TEST

START_TEST(normalised_filters)
{
	const char *none = CONF(RULE("a", "")), *empty = CONF(RULE("a", "<Filter/>"));
	const char *all = CONF(RULE("a", "<Filter><Prefix></Prefix></Filter>"));
	ck_assert_str_eq(diff_text(none, all), "");
	ck_assert_str_eq(diff_text(empty, all), "");
	ck_assert_str_eq(diff_text(CONF(RULE("a", "<Filter><Prefix>logs/</Prefix></Filter>")),
				   CONF(RULE("a", "<Filter><And><Prefix>logs/</Prefix></And>"
						  "</Filter>"))),
			 "");
	ck_assert_str_eq(diff_text(CONF(RULE("a", "<Filter><Tag><Key>k</Key><Value>v</Value>"
						  "</Tag></Filter>")),
				   CONF(RULE("a", "<Filter><And><Prefix></Prefix><Tag><Key>k</Key>"
						  "<Value>v</Value></Tag></And></Filter>"))),
			 "");
	ck_assert_str_eq(diff_text(CONF(RULE("a", "<Filter><And><Prefix>p</Prefix><Tag><Key>x"
						  "</Key><Value>1</Value></Tag><Tag><Key>a</Key>"
						  "<Value>2</Value></Tag></And></Filter>")),
				   CONF(RULE("a", "<Filter><And><Tag><Key>a</Key><Value>2</Value>"
						  "</Tag><Prefix>p</Prefix><Tag><Key>x</Key><Value>1"
						  "</Value></Tag></And></Filter>"))),
			 "");
	ck_assert_str_eq(diff_text(CONF(RULE("a", "<Filter><And><Prefix>p</Prefix><Tag><Key>x"
						  "</Key><Value>1</Value></Tag><Tag><Key>a</Key>"
						  "<Value>2</Value></Tag></And></Filter>")),
				   CONF(RULE("a", "<Filter><Prefix>q</Prefix></Filter>"))),
			 "a|Filter.Prefix|p|q\na|Filter.Tags|a=2, x=1|\n");
	/* The V1 rule-level Prefix is its own field. */
	ck_assert_str_eq(diff_text(all, CONF(RULE("a", "<Prefix></Prefix>"))),
			 "");
	ck_assert_str_eq(diff_text(all, CONF(RULE("a", "<Prefix>x</Prefix>"))),
			 "a|Prefix||x\n");
}
END_TEST

START_TEST(normalised_destination)
{
	/* A disabled RTC's or metrics' minutes are irrelevant; absent is Disabled. */
	ck_assert_str_eq(diff_text(CONF(RULE("a", "")),
				   CONF("<Rule><ID>a</ID><Priority>1</Priority><Status>Enabled</Status>"
					"<Destination><Bucket>arn:aws:s3:::d</Bucket><ReplicationTime>"
					"<Status>Disabled</Status><Time><Minutes>15</Minutes></Time>"
					"</ReplicationTime><Metrics><Status>Disabled</Status>"
					"<EventThreshold><Minutes>15</Minutes></EventThreshold>"
					"</Metrics></Destination></Rule>")),
			 "");
	const char *rtc15 = CONF("<Rule><ID>a</ID><Destination><Bucket>b</Bucket>"
				 "<ReplicationTime><Status>Enabled</Status><Time><Minutes>15"
				 "</Minutes></Time></ReplicationTime><Metrics><Status>Enabled"
				 "</Status></Metrics></Destination></Rule>");
	const char *rtc_off = CONF("<Rule><ID>a</ID><Destination><Bucket>b</Bucket>"
				   "<StorageClass>STANDARD</StorageClass><Account>1</Account>"
				   "</Destination></Rule>");
	ck_assert_str_eq(diff_text(rtc15, rtc_off),
			 "a|Destination.Account||1\n"
			 "a|Destination.StorageClass||STANDARD\n"
			 "a|Destination.ReplicationTime.Status|Enabled|Disabled\n"
			 "a|Destination.ReplicationTime.Time.Minutes|15|\n"
			 "a|Destination.Metrics.Status|Enabled|Disabled\n");
}
END_TEST

START_TEST(rules_by_id)
{
	ck_assert_str_eq(diff_text(CONF(RULE("a", "") RULE("b", "")),
				   CONF(RULE("c", "") RULE("a", "<Filter><Prefix>x</Prefix></Filter>"))),
			 "a|Filter.Prefix||x\nb|Rule|b|(none)\nc|Rule|(none)|c\n");
	ck_assert_str_eq(diff_text("<ReplicationConfiguration><Role>R1</Role></ReplicationConfiguration>",
				   "<ReplicationConfiguration/>"),
			 "-|Role|R1|\n");
	ck_assert_str_eq(diff_text(CONF(RULE("a", "")),
				   CONF("<Rule><ID>a</ID><Priority>2</Priority><Status>Disabled"
					"</Status><Destination><Bucket>arn:aws:s3:::e</Bucket>"
					"</Destination></Rule>")),
			 "a|Priority|1|2\na|Status|Enabled|Disabled\n"
			 "a|Destination.Bucket|arn:aws:s3:::d|arn:aws:s3:::e\n");
}
END_TEST

/* Whether two parsed configurations are the same, field by field. */
static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_tags(const struct aws_tags *a, const struct aws_tags *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!same_str(a->v[i].key, b->v[i].key) || !same_str(a->v[i].value, b->v[i].value))
			return false;
	return true;
}

static bool same_dest(const struct s3_destination *a, const struct s3_destination *b)
{
	return same_str(a->bucket, b->bucket) && same_str(a->account, b->account) &&
	       same_str(a->storage_class, b->storage_class) && same_str(a->owner, b->owner) &&
	       same_str(a->replica_kms_key_id, b->replica_kms_key_id) &&
	       a->encryption_configuration == b->encryption_configuration && a->rtc == b->rtc &&
	       a->rtc_minutes == b->rtc_minutes && a->metrics == b->metrics &&
	       a->metrics_minutes == b->metrics_minutes;
}

static bool same_rule(const struct s3_rule *a, const struct s3_rule *b)
{
	return same_str(a->id, b->id) && a->has_priority == b->has_priority &&
	       a->priority == b->priority && same_str(a->prefix, b->prefix) &&
	       a->filter == b->filter && same_str(a->filter_prefix, b->filter_prefix) &&
	       same_tags(&a->filter_tags, &b->filter_tags) && a->status == b->status &&
	       a->source_selection == b->source_selection &&
	       a->sse_kms_encrypted_objects == b->sse_kms_encrypted_objects &&
	       a->replica_modifications == b->replica_modifications &&
	       a->existing_objects == b->existing_objects &&
	       a->delete_markers == b->delete_markers && same_dest(&a->dest, &b->dest);
}

static bool same(const struct s3_replication *a, const struct s3_replication *b)
{
	if (!same_str(a->role, b->role) || a->nrules != b->nrules)
		return false;
	for (size_t i = 0; i < a->nrules; i++)
		if (!same_rule(&a->rules[i], &b->rules[i]))
			return false;
	return true;
}

/* s3xml's document of each replication of the spec in path: parse, render,
 * parse; the number of configurations and rules checked. */
static void round_trip_file(const char *path, size_t *nconf, size_t *nrules)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	struct buf text = BUF_INIT;
	char chunk[4096];
	for (size_t n; (n = fread(chunk, 1, sizeof(chunk), f)) > 0;)
		buf_put(&text, chunk, n);
	fclose(f);
	struct spec s;
	spec_load(&s, text.data, true);
	ck_assert_msg(diags_errors(s.d) == 0, "%s has errors:%s", path, spec_diags(&s));
	for (size_t i = 0; i < s.ds->nreplications; i++) {
		struct buf x1 = BUF_INIT, x2 = BUF_INIT, x3 = BUF_INIT;
		s3xml_replication(&s.ds->replications[i], &x1);
		struct s3_replication a, b;
		parse_ok(x1.data, &a);
		s3_replication_xml(&a, &x2);
		parse_ok(x2.data, &b);
		s3_replication_xml(&b, &x3);
		ck_assert_msg(same(&a, &b), "%s: parse -> render -> parse differs:\n%s\n%s", path,
			      x1.data, x2.data);
		ck_assert_str_eq(x2.data, x3.data);
		ck_assert_uint_eq(s3_replication_diff(&a, &a, NULL, NULL), 0);
		ck_assert_uint_eq(s3_replication_diff(&a, &b, NULL, NULL), 0);
		ck_assert_uint_eq(a.nrules, s.ds->replications[i].nrules);
		(*nconf)++;
		*nrules += a.nrules;
		s3_replication_free(&a);
		s3_replication_free(&b);
		buf_free(&x1);
		buf_free(&x2);
		buf_free(&x3);
	}
	spec_free(&s);
	buf_free(&text);
}

START_TEST(round_trip_every_spec)
{
	const char *root = getenv("CRRC_SOURCE_ROOT");
	ck_assert_msg(root != NULL, "CRRC_SOURCE_ROOT is not set");
	static const char *dirs[] = {"examples", "tests/terraform/specs", "tests/cloudformation/specs"};
	size_t nfiles = 0, nconf = 0, nrules = 0;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/%s", root, dirs[d]);
		DIR *h = opendir(dir);
		ck_assert_msg(h != NULL, "cannot open %s", dir);
		for (struct dirent *e; (e = readdir(h));) {
			size_t n = strlen(e->d_name);
			if (n < 9 || strcmp(e->d_name + n - 9, ".crr.yaml") != 0)
				continue;
			char path[8192];
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			round_trip_file(path, &nconf, &nrules);
			nfiles++;
		}
		closedir(h);
	}
	ck_assert_uint_ge(nfiles, 11);
	ck_assert_uint_ge(nconf, nfiles);
	printf("round trip: %zu specs, %zu configurations, %zu rules\n", nfiles, nconf, nrules);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("s3_replication");
	TCase *t = tcase_create("parse_render");
	tcase_add_test(t, parse_aws_example);
	tcase_add_test(t, render_every_field);
	tcase_add_test(t, get_and_put);
	tcase_add_test(t, parse_errors);
	suite_add_tcase(s, t);
	TCase *d = tcase_create("diff");
	tcase_add_test(d, normalised_defaults);
	tcase_add_test(d, normalised_filters);
	tcase_add_test(d, normalised_destination);
	tcase_add_test(d, rules_by_id);
	suite_add_tcase(s, d);
	TCase *r = tcase_create("specs");
	tcase_set_timeout(r, 60);
	tcase_add_test(r, round_trip_every_spec);
	suite_add_tcase(s, r);
	return s;
}

int main(void)
{
	return check_main(suite());
}
