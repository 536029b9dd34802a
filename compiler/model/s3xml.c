/* s3xml.c: the replication configuration as the XML S3's API takes
 * (PutBucketReplication), element by element in the order of the API
 * reference, from the desired state's V2 rules. Text is escaped as the AWS
 * SDKs' XML encoders escape it: & < > " ' and tab, line feed and carriage
 * return as character references. Measuring writes nothing: a text's
 * escaped length is counted once per text, however often aliases repeat
 * it. */
#include "model/s3xml.h"

#include <string.h>

#include <stdint.h>

#include "base/buf.h"
#include "base/ptrmap.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

/* A buffer that keeps nothing, and what it has measured by text. */
struct measure {
	struct buf b;
	struct ptrmap *memo; /* (text, length) -> escaped length + 1 */
};

static void discard(struct buf *b)
{
	(void)b;
}

static size_t escaped_len(const char *s, size_t len)
{
	size_t n = len;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '&' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? 4
		     : s[i] == '"' || s[i] == '\'' ? 4
		     : s[i] == '<' || s[i] == '>' ? 3
						  : 0;
	return n;
}

static void xml_escaped(struct buf *b, const char *s, size_t len)
{
	if (b->drain == discard) {
		struct measure *m = CRRC_CONTAINER_OF(b, struct measure, b);
		bool fresh = true;
		void **slot = m->memo ? ptrmap_slot(m->memo, s, len, &fresh) : NULL;
		if (fresh) {
			size_t n = escaped_len(s, len);
			if (slot)
				*slot = (void *)(uintptr_t)(n + 1);
			b->drained += n;
		} else
			b->drained += (size_t)(uintptr_t)*slot - 1;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&#34;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		case '\t': buf_puts(b, "&#x9;"); break;
		case '\n': buf_puts(b, "&#xA;"); break;
		case '\r': buf_puts(b, "&#xD;"); break;
		default: buf_putc(b, s[i]);
		}
	}
}

/* <name>text</name> */
static void xml_elem(struct buf *b, const char *name, const char *s, size_t len)
{
	buf_printf(b, "<%s>", name);
	xml_escaped(b, s, len);
	buf_printf(b, "</%s>", name);
}

static void xml_str(struct buf *b, const char *name, const struct crrc_str *s)
{
	xml_elem(b, name, s && s->s ? s->s : "", s && s->s ? s->len : 0);
}

static void xml_status(struct buf *b, const char *name, bool on)
{
	buf_printf(b, "<%s><Status>%s</Status></%s>", name, on ? "Enabled" : "Disabled", name);
}

static void xml_tag(struct buf *b, const struct crrc_tag *t)
{
	buf_puts(b, "<Tag>");
	xml_str(b, "Key", &t->key);
	xml_str(b, "Value", &t->value);
	buf_puts(b, "</Tag>");
}

static void xml_filter(struct buf *b, const struct ds_rule *r)
{
	buf_puts(b, "<Filter>");
	if (r->filter == DS_FILTER_PREFIX) {
		xml_str(b, "Prefix", r->prefix);
	} else if (r->filter == DS_FILTER_TAG) {
		xml_tag(b, &r->tags->v[0]);
	} else {
		buf_puts(b, "<And>");
		if (r->prefix)
			xml_str(b, "Prefix", r->prefix);
		for (size_t i = 0; i < r->tags->n; i++)
			xml_tag(b, &r->tags->v[i]);
		buf_puts(b, "</And>");
	}
	buf_puts(b, "</Filter>");
}

static void xml_destination(struct buf *b, const struct ds_rule *r)
{
	buf_puts(b, "<Destination>");
	xml_elem(b, "Bucket", r->dest->arn, strlen(r->dest->arn));
	if (r->dest_account)
		xml_elem(b, "Account", r->dest_account, strlen(r->dest_account));
	if (r->storage_class)
		xml_str(b, "StorageClass", r->storage_class);
	if (r->owner_override)
		buf_puts(b, "<AccessControlTranslation><Owner>Destination</Owner>"
			    "</AccessControlTranslation>");
	if (r->replica_kms_key) {
		buf_puts(b, "<EncryptionConfiguration>");
		xml_str(b, "ReplicaKmsKeyID", r->replica_kms_key);
		buf_puts(b, "</EncryptionConfiguration>");
	}
	if (r->rtc_minutes)
		buf_printf(b, "<ReplicationTime><Status>Enabled</Status><Time><Minutes>%d</Minutes>"
			      "</Time></ReplicationTime>",
			   r->rtc_minutes);
	if (r->metrics) {
		buf_puts(b, "<Metrics><Status>Enabled</Status>");
		if (r->metrics_minutes)
			buf_printf(b, "<EventThreshold><Minutes>%d</Minutes></EventThreshold>",
				   r->metrics_minutes);
		buf_puts(b, "</Metrics>");
	}
	buf_puts(b, "</Destination>");
}

static void xml_rule(struct buf *b, const struct ds_rule *r)
{
	buf_puts(b, "<Rule>");
	xml_str(b, "ID", r->id);
	buf_printf(b, "<Priority>%lld</Priority>", r->priority);
	buf_printf(b, "<Status>%s</Status>", r->enabled ? "Enabled" : "Disabled");
	xml_filter(b, r);
	if (r->sse_kms_objects || r->replica_modifications) {
		buf_puts(b, "<SourceSelectionCriteria>");
		if (r->sse_kms_objects)
			xml_status(b, "SseKmsEncryptedObjects", true);
		if (r->replica_modifications)
			xml_status(b, "ReplicaModifications", true);
		buf_puts(b, "</SourceSelectionCriteria>");
	}
	xml_status(b, "DeleteMarkerReplication", r->delete_markers);
	xml_destination(b, r);
	buf_puts(b, "</Rule>");
}

void s3xml_replication(const struct ds_replication *r, struct buf *out)
{
	buf_puts(out, "<ReplicationConfiguration xmlns=\"" S3_XMLNS "\"><Role>");
	if (r->role.arn)
		xml_escaped(out, r->role.arn, strlen(r->role.arn));
	else /* generated in the deploying account: its ARN has this size */
		buf_printf(out, "arn:%s:iam::000000000000:role/%s", r->source->place->partition,
			   r->role.name ? r->role.name : "");
	buf_puts(out, "</Role>");
	for (size_t i = 0; i < r->nrules; i++)
		xml_rule(out, &r->rules[i]);
	buf_puts(out, "</ReplicationConfiguration>");
}

size_t s3xml_replication_size(const struct ds_replication *r, struct ptrmap *memo)
{
	struct measure m = {BUF_INIT, memo};
	m.b.drain = discard;
	s3xml_replication(r, &m.b);
	size_t n = buf_size(&m.b);
	buf_free(&m.b);
	return n;
}
