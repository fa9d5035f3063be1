/* commands.h - the subcommands' entry points, generated from commands.def. */
#ifndef CONTEND_COMMANDS_H
#define CONTEND_COMMANDS_H

#define COMMAND(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef COMMAND

#endif
