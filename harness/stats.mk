# harness/stats.mk: rules of this part (see Makefile.am)
