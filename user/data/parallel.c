// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <pthread.h>
#include <stdlib.h>
#include "parallel.h"

#define MAX_THREADS 16

struct start {
	void (*run)(void *job);
	void *job;
};

static void *thread_main(void *arg)
{
	const struct start *s = arg;

	s->run(s->job);
	return NULL;
}

void eg_parallel_run(void (*run)(void *job), void *jobs, size_t n, size_t size)
{
	struct start starts[MAX_THREADS];
	pthread_t threads[MAX_THREADS];
	int started[MAX_THREADS] = {0};
	size_t i;

	for (i = 1; i < n && i < MAX_THREADS; i++) {
		starts[i] = (struct start){run, (char *)jobs + i * size};
		started[i] = pthread_create(&threads[i], NULL, thread_main, &starts[i]) == 0;
	}
	if (n)
		run(jobs);
	for (i = 1; i < n; i++) {
		if (i < MAX_THREADS && started[i])
			pthread_join(threads[i], NULL);
		else
			run((char *)jobs + i * size);
	}
}
