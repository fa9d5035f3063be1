# bench/report/local.mk: what people read: the HTML report page and the text
# table and CSV of `contend run`.
noinst_LIBRARIES += libbench_report.a
libbench_report_a_SOURCES = bench/report/report_html.c bench/report/report_html.h \
	bench/report/run_output.c bench/report/run_output.h bench/report/compare_text.c \
	bench/report/compare_text.h bench/report/report_page.c
libbench_report_a_CPPFLAGS = $(BENCH_REPORT_CPPFLAGS) $(CONTEND_DEFS)
libbench_report_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
