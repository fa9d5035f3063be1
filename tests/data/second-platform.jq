# second-platform.jq - make a "second platform" of a contend results file,
# for tests and the README's worked example: CONSTRUCTED DATA, not a
# measurement of any machine.
#
#   jq -f tests/data/second-platform.jq A.json > B.json
#
# It changes a file the way a second machine differs from the first
# (issue 23): another hostname and CPU model, a bare-metal host
# (meta.virtualization "none"), placement probes with a 5x faster
# cache-line round trip and a 0.6x speed probe, every throughput halved.
# So that the lock order differs somewhere, ticket loses another 5x at 2
# threads and more (a machine where the ticket lock scales worse).
def factor($p): if $p.lock == "ticket" and $p.threads >= 2 then 0.1 else 0.5 end;
def times($f): if type == "number" then . * $f else . end;
def probe: if type == "object" then
	(.rtt_ns |= times(0.2)) | (.speed_ns |= times(0.6)) else . end;

.meta.hostname = "constructed-b"
| .meta.cpu_model = "Constructed (test data)"
| .meta.virtualization = "none"
| del(.meta.virtualization_unavailable_reason)
| .results |= map(
	factor(.) as $f
	| .throughput.median |= times($f)
	| .throughput.ci95_low |= times($f)
	| .throughput.ci95_high |= times($f)
	| .ns_per_acq |= times(1 / $f)
	| .per_repeat |= map(
		(.throughput |= times($f))
		| (.acquisitions |= (times($f) | floor))
		| (.probe_before |= probe) | (.probe_after |= probe))
	| .per_thread |= map(.acquisitions |= (times($f) | floor)))
