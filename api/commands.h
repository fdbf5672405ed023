/*
 * commands.h
 *    The command line's commands beside `serve` that live outside main.c.
 */
#ifndef CONSORTIA_COMMANDS_H
#define CONSORTIA_COMMANDS_H

/* Print "consortia: what: why" to stderr; 1, the failing exit status. */
int cli_fail(const char *what, const char *why);

/* import-gias, import-gias-links, import-groups (import_commands.c): argv[0] is the command. */
int cmd_import(int argc, char **argv);
int cmd_import_links(int argc, char **argv);
int cmd_import_groups(int argc, char **argv);

#endif
