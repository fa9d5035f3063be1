# harness/topo.mk: rules of this part (see Makefile.am)
