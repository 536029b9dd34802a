/* test_doc_size.c: E077 and E078, S3's limits on whole documents, measured
 * on the documents made from the desired state: a replication configuration
 * of at most 2 MiB of XML (its strings escaped as S3 receives them), a
 * bucket policy of at most 20 KiB of JSON. Each is reported at the spec
 * element that grows it; just under the limit, nothing is. The XML itself
 * is checked against the S3 API's shape. */
#include <string.h>

#include "base/buf.h"
#include "check_helpers.h"
#include "model/desired.h"
#include "base/arena.h"
#include "base/ptrmap.h"
#include "model/s3xml.h"

/* An entry of n rules, each with a prefix of 1024 bytes: "NNN" and 1021
 * copies of fill (XML escapes '&' as "&amp;": 5 bytes of XML each). */
static void load_rules(int n, char fill)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: big\nbuckets:\n  src: {region: us-east-1}\n"
		     "  dst: {region: us-west-2}\nreplication:\n  - source: src\n    rules:\n");
	char prefix[1025];
	memset(prefix, fill, 1024);
	prefix[1024] = '\0';
	for (int i = 0; i < n; i++) {
		memcpy(prefix, (char[4]){(char)('0' + i / 100), (char)('0' + i / 10 % 10),
					  (char)('0' + i % 10), fill},
		       3);
		buf_printf(&b, "      - {id: r%d, destination: dst, filter: {prefix: \"%s\"}}\n", i,
			   prefix);
	}
	spec_check(b.data);
	buf_free(&b);
}

START_TEST(test_replication_too_large)
{
	/* 420 rules of 1024 '&': 2.2 MB of XML, though the spec is 450 KB */
	load_rules(420, '&');
	const struct crrc_diag *g = expect_only(CRRC_E077, 7, 13);
	ck_assert_ptr_nonnull(strstr(g->msg, "2097152 bytes"));
	spec_teardown();
	/* the same rules of plain characters: 0.5 MB, fine */
	load_rules(420, 'x');
	expect_clean();
}
END_TEST

START_TEST(test_replication_near_limit)
{
	/* 1000 rules of 1024-byte prefixes: about 1.5 MB of XML, under 2 MiB */
	load_rules(1000, 'x');
	expect_clean();
}
END_TEST

/* One destination in account 444455556666 and n sources in another, each
 * an entry of its own: the destination's policy admits n roles. */
static void load_sources(int n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: fan\naccounts: {media: \"111122223333\", "
		     "vault: \"444455556666\"}\nbuckets:\n"
		     "  vault-bucket: {region: us-west-2, account: vault}\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "  source-bucket-%d: {region: us-east-1, account: media}\n", i);
	buf_puts(&b, "replication:\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "  - {source: source-bucket-%d, rules: [{id: v, "
			       "destination: vault-bucket, owner: destination}]}\n",
			   i);
	spec_check(b.data);
	buf_free(&b);
}

START_TEST(test_bucket_policy_too_large)
{
	load_sources(80);
	const struct crrc_diag *g = expect_only(CRRC_E078, 5, 3);
	ck_assert_ptr_nonnull(strstr(g->msg, "80 replication entries in other accounts"));
	spec_teardown();
	load_sources(40);
	expect_clean();
}
END_TEST

START_TEST(test_replication_xml)
{
	spec_check("crrc: 1\nname: xy\naccounts: {a: \"111122223333\"}\nbuckets:\n"
		   "  s: {region: us-east-1, account: a}\n  d: {region: us-west-2, account: a}\n"
		   "replication:\n  - source: s\n    rules:\n"
		   "      - {id: \"a<b\", destination: d, rtc: true, delete_markers: true,\n"
		   "         filter: {prefix: \"p&q\"}, storage_class: GLACIER}\n"
		   "      - {id: \"it's\", destination: d, enabled: false, filter: {tags: {k: v}}}\n");
	expect_clean();
	struct crrc_desired *ds = desired_create(model);
	struct buf b = BUF_INIT;
	s3xml_replication(&ds->replications[0], &b);
	ck_assert_str_eq(
		b.data,
		"<ReplicationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
		"<Role>arn:aws:iam::111122223333:role/xy-s-replication</Role>"
		"<Rule><ID>a&lt;b</ID><Priority>1</Priority><Status>Enabled</Status>"
		"<Filter><Prefix>p&amp;q</Prefix></Filter>"
		"<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>"
		"<Destination><Bucket>arn:aws:s3:::xy-d</Bucket><StorageClass>GLACIER</StorageClass>"
		"<ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time>"
		"</ReplicationTime><Metrics><Status>Enabled</Status><EventThreshold><Minutes>15"
		"</Minutes></EventThreshold></Metrics></Destination></Rule>"
		"<Rule><ID>it&#39;s</ID><Priority>2</Priority><Status>Disabled</Status>"
		"<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
		"<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>"
		"<Destination><Bucket>arn:aws:s3:::xy-d</Bucket></Destination></Rule>"
		"</ReplicationConfiguration>");
	ck_assert_uint_eq(s3xml_replication_size(&ds->replications[0], NULL), b.len);
	/* measured through a memo of texts: the same, the second time too */
	struct arena *a = arena_create();
	struct ptrmap *memo = ptrmap_create(a, 4);
	ck_assert_uint_eq(s3xml_replication_size(&ds->replications[0], memo), b.len);
	ck_assert_uint_eq(s3xml_replication_size(&ds->replications[0], memo), b.len);
	arena_destroy(a);
	buf_free(&b);
	desired_destroy(ds);
}
END_TEST

/* Every character S3's XML escapes, measured without writing: the size is
 * that of the document written. */
START_TEST(test_replication_xml_measured)
{
	spec_check("crrc: 1\nname: xy\naccounts: {a: \"111122223333\"}\nbuckets:\n"
		   "  s: {region: us-east-1, account: a}\n  d: {region: us-west-2, account: a}\n"
		   "replication:\n  - source: s\n    rules:\n"
		   "      - {id: r, destination: d, filter: {prefix: \"x\\\"'<>&\\t\\n\\ry\"}}\n");
	struct crrc_desired *ds = desired_create(model);
	struct buf b = BUF_INIT;
	s3xml_replication(&ds->replications[0], &b);
	ck_assert_ptr_nonnull(strstr(b.data, "<Prefix>x&#34;&#39;&lt;&gt;&amp;&#x9;&#xA;&#xD;y</Prefix>"));
	struct arena *a = arena_create();
	struct ptrmap *memo = ptrmap_create(a, 4);
	ck_assert_uint_eq(s3xml_replication_size(&ds->replications[0], NULL), b.len);
	ck_assert_uint_eq(s3xml_replication_size(&ds->replications[0], memo), b.len);
	ck_assert_uint_eq(s3xml_replication_size(&ds->replications[0], memo), b.len);
	arena_destroy(a);
	buf_free(&b);
	desired_destroy(ds);
}
END_TEST

static Suite *doc_size_suite(void)
{
	Suite *s = suite_create("doc-size");
	TCase *t = tcase_create("e077-e078");
	tcase_set_timeout(t, 60);
	tcase_add_checked_fixture(t, NULL, spec_teardown);
	tcase_add_test(t, test_replication_too_large);
	tcase_add_test(t, test_replication_near_limit);
	tcase_add_test(t, test_bucket_policy_too_large);
	tcase_add_test(t, test_replication_xml);
	tcase_add_test(t, test_replication_xml_measured);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(doc_size_suite());
}
