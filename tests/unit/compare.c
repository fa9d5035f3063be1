/* compare.c - the verdict rules of contend compare (bench/analysis/compare.c)
 * in C, on result_point fixtures: faster and slower only when the intervals
 * are apart AND the ratio passes the threshold; no CI below 75 %; failed
 * points get no ratio; speed probes that moved on one machine make a pair
 * not comparable, on two machines they do not. Each rule has its negative
 * control. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../lib/tap.h"
#include "compare.h"

static struct results_file alpha = { .hostname = "alpha", .cpu_model = "Test CPU" };
static struct results_file beta = { .hostname = "beta", .cpu_model = "Test CPU" };

/* A point with 5 repeats and a 95 % interval of +-5 % around TPUT. */
static struct result_point pt(double tput)
{
	return (struct result_point){
		.lock = "mcs", .pin = "compact", .threads = 2, .cs_ns = 100, .permits = 1,
		.nlocks = 1, .cs_lines = 1, .repeats = 5, .tput = tput,
		.tput_ci_low = 0.95 * tput, .tput_ci_high = 1.05 * tput, .tput_ci_level = 0.95,
	};
}

static enum compare_verdict judge(struct result_point b, struct result_point n,
				  const struct results_file *fb, const struct results_file *fn,
				  double threshold, double *ratio)
{
	struct compare_match m = { .base = &b, .new = &n, .base_file = fb, .new_file = fn };
	enum compare_verdict v = compare_judge(&m, threshold);
	if (ratio)
		*ratio = m.ratio;
	return v;
}

/* A point whose 5 repeats carry speed probes of SPEED ns (one regime). */
static json_t *with_speed(struct result_point *p, double speed)
{
	json_t *reps = json_array();
	for (int i = 0; i < 5; i++)
		json_array_append_new(reps, json_pack("{s:f, s:{s:f, s:f}, s:{s:f, s:f}}",
			"throughput", p->tput, "probe_before", "speed_ns", speed, "rtt_ns", 60.0,
			"probe_after", "speed_ns", speed, "rtt_ns", 60.0));
	json_t *j = json_pack("{s:o}", "per_repeat", reps);
	p->json = j;
	return j;
}

int main(void)
{
	double r;

	ok(judge(pt(1e6), pt(2e6), &alpha, &alpha, 0.30, &r) == V_FASTER && fabs(r - 2) < 1e-12,
	   "2x with intervals apart: faster, ratio 2");
	ok(judge(pt(2e6), pt(1e6), &alpha, &alpha, 0.30, &r) == V_SLOWER && fabs(r - 0.5) < 1e-12,
	   "0.5x with intervals apart: slower, ratio 0.5");
	/* Intervals apart (1.2M +-5% vs 1M +-5%) but 1.2x is under the 30% threshold. */
	ok(judge(pt(1e6), pt(1.2e6), &alpha, &alpha, 0.30, NULL) == V_NOISE,
	   "1.2x under a 30%% threshold: within noise");
	ok(judge(pt(1e6), pt(1.2e6), &alpha, &alpha, 0.10, NULL) == V_FASTER,
	   "1.2x over a 10%% threshold: faster (control of the case above)");
	/* Overlapping intervals never make a verdict, whatever the threshold. */
	ok(judge(pt(1e6), pt(1.05e6), &alpha, &alpha, 0.0, NULL) == V_NOISE,
	   "overlapping intervals at threshold 0: within noise");

	struct result_point few = pt(2e6);
	few.tput_ci_level = 0.5;
	ok(judge(pt(1e6), few, &alpha, &alpha, 0.30, NULL) == V_NO_CI,
	   "an interval at 50%% confidence (under 75%%): no CI");
	few.tput_ci_level = 0.75;
	ok(judge(pt(1e6), few, &alpha, &alpha, 0.30, NULL) == V_FASTER,
	   "an interval at exactly 75%%: judged (control)");

	struct result_point failed = pt(1e6);
	failed.failed = true;
	struct compare_match m = { .base = &failed, .new = &few, .base_file = &alpha,
				   .new_file = &alpha };
	ok(compare_judge(&m, 0.30) == V_FAILED && isnan(m.ratio) &&
	   strcmp(m.failed_side, "BASE") == 0, "a failed BASE: failed, no ratio, side BASE");

	struct result_point b = pt(1e6), n = pt(2e6);
	json_t *jb = with_speed(&b, 100), *jn = with_speed(&n, 150);
	ok(judge(b, n, &alpha, &alpha, 0.30, NULL) == V_NOT_COMPARABLE,
	   "one machine, speed probes 1.5x apart: not comparable");
	ok(judge(b, n, &alpha, &beta, 0.30, NULL) == V_FASTER,
	   "two machines, speed probes 1.5x apart: their speed is what is compared (control)");
	json_decref(jn);
	jn = with_speed(&n, 110);
	ok(judge(b, n, &alpha, &alpha, 0.30, NULL) == V_FASTER,
	   "one machine, speed probes 1.1x apart: judged, 2x passes the widened threshold");
	json_decref(jb);
	json_decref(jn);
	ok(strcmp(compare_verdict_words[V_NOISE], "within noise") == 0 &&
	   strcmp(compare_verdict_words[V_NOT_COMPARABLE], "not comparable") == 0,
	   "the verdicts' words");
	return done_testing();
}
