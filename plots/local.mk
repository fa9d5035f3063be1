# plots/local.mk: rules of this part (see Makefile.am)
