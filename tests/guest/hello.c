/*
 * The smallest guest: prints to stdout and stderr and exits with 7, so
 * the runner checks both streams and the exit status of a plain main().
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world\n");
	fprintf(stderr, "hello, stderr (argc %d)\n", argc);
	return 7;
}
