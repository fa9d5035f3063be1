/* html.c - the one HTML escaper of the report and profile pages
 * (bench/util/html.c): all five characters that can end text or a quoted
 * attribute are escaped; the profile's own copy used to leave ' alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tap.h"
#include "html.h"

static void want(const char *in, const char *expect)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		bail_out("open_memstream failed");
	html_escape(f, in);
	fclose(f);
	ok(strcmp(buf, expect) == 0, "html_escape(\"%s\") = \"%s\" (got \"%s\")", in ? in : "NULL",
	   expect, buf);
	free(buf);
}

int main(void)
{
	want("<b>", "&lt;b&gt;");
	want("a & b", "a &amp; b");
	want("say \"hi\"", "say &quot;hi&quot;");
	want("O'Brien's lock", "O&#39;Brien&#39;s lock");
	/* negative control: plain text passes unchanged, NULL writes nothing */
	want("mcs threads=2 cs=100", "mcs threads=2 cs=100");
	want(NULL, "");
	return done_testing();
}
