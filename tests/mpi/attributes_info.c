/* attributes_info.c — attribute caching (copy callbacks on MPI_Comm_dup, delete callbacks on
 * MPI_Comm_free, MPI_Comm_delete_attr, overwriting and MPI_Finalize for MPI_COMM_SELF, the MPI-1
 * names), predefined attributes, Info objects (MPI_INFO_ENV, set/get/delete/dup, hints on a
 * communicator, Info passed to calls that take one), user error classes and MPI_Pcontrol. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The MPI-1 attribute calls are tested on purpose (programs still use them). */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* What the callbacks saw, kept in the rank's own memory (extra_state points here). */
struct counts {
    int copies, deletes, last_deleted;
};

static int copy_plus_one(MPI_Comm oldcomm, int keyval, void* extra, void* in, void* out, int* flag) {
    (void)oldcomm;
    (void)keyval;
    ((struct counts*)extra)->copies++;
    *(void**)out = (void*)((char*)in + 1);
    *flag = 1;
    return MPI_SUCCESS;
}

static int count_delete(MPI_Comm comm, int keyval, void* value, void* extra) {
    (void)comm;
    (void)keyval;
    struct counts* c = extra;
    c->deletes++;
    c->last_deleted = (int)(intptr_t)value;
    return MPI_SUCCESS;
}

static int refuse_copy(MPI_Comm oldcomm, int keyval, void* extra, void* in, void* out, int* flag) {
    (void)oldcomm;
    (void)keyval;
    (void)extra;
    (void)in;
    (void)out;
    *flag = 0;
    return MPI_ERR_OTHER;
}

static void attributes(void) {
    struct counts c = {0, 0, 0};
    int key = MPI_KEYVAL_INVALID, flag = 0;
    void* value = NULL;
    CHECK(MPI_Comm_create_keyval(copy_plus_one, count_delete, &key, &c) == MPI_SUCCESS);
    CHECK(key != MPI_KEYVAL_INVALID);

    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    MPI_Comm_get_attr(comm, key, &value, &flag);
    CHECK(!flag); /* nothing set yet */
    MPI_Comm_set_attr(comm, key, (void*)(intptr_t)100);
    MPI_Comm_get_attr(comm, key, &value, &flag);
    CHECK(flag && value == (void*)(intptr_t)100);

    /* Overwriting deletes the old value first. */
    MPI_Comm_set_attr(comm, key, (void*)(intptr_t)200);
    CHECK(c.deletes == 1 && c.last_deleted == 100);

    /* A duplicate gets what the copy callback returns; chained, twice. */
    MPI_Comm d1, d2;
    MPI_Comm_dup(comm, &d1);
    MPI_Comm_dup(d1, &d2);
    CHECK(c.copies == 2);
    MPI_Comm_get_attr(d2, key, &value, &flag);
    CHECK(flag && value == (void*)(intptr_t)202);

    /* Predefined copy functions: MPI_COMM_DUP_FN copies the value, MPI_COMM_NULL_COPY_FN nothing. */
    int dupkey, nullkey;
    MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &dupkey, NULL);
    MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &nullkey, NULL);
    int payload = 42;
    MPI_Comm_set_attr(comm, dupkey, &payload);
    MPI_Comm_set_attr(comm, nullkey, &payload);
    MPI_Comm d3;
    MPI_Comm_dup(comm, &d3);
    MPI_Comm_get_attr(d3, dupkey, &value, &flag);
    CHECK(flag && value == &payload);
    MPI_Comm_get_attr(d3, nullkey, &value, &flag);
    CHECK(!flag);

    /* Explicit delete, then free: each calls the delete callback once. */
    MPI_Comm_delete_attr(d1, key);
    CHECK(c.deletes == 2 && c.last_deleted == 201);
    MPI_Comm_get_attr(d1, key, &value, &flag);
    CHECK(!flag);
    MPI_Comm_free(&d1);
    CHECK(c.deletes == 2);
    MPI_Comm_free(&d2);
    CHECK(c.deletes == 3 && c.last_deleted == 202);

    /* A freed keyval stays usable by the attributes set under it until they are deleted. */
    MPI_Comm_free_keyval(&key);
    CHECK(key == MPI_KEYVAL_INVALID);
    MPI_Comm_free(&comm);
    CHECK(c.deletes == 4 && c.last_deleted == 200);
    SAY("attributes: copy %d, delete %d\n", c.copies, c.deletes);

    /* A copy callback that fails makes MPI_Comm_dup fail. */
    int badkey;
    MPI_Comm_create_keyval(refuse_copy, MPI_COMM_NULL_DELETE_FN, &badkey, NULL);
    MPI_Comm_set_attr(d3, badkey, &payload);
    MPI_Comm_set_errhandler(d3, MPI_ERRORS_RETURN);
    MPI_Comm d4 = MPI_COMM_NULL;
    CHECK(MPI_Comm_dup(d3, &d4) != MPI_SUCCESS);
    MPI_Comm_delete_attr(d3, badkey);
    MPI_Comm_free_keyval(&badkey);
    MPI_Comm_free(&d3);
    MPI_Comm_free_keyval(&dupkey);
    MPI_Comm_free_keyval(&nullkey);

    /* The MPI-1 names. */
    struct counts old = {0, 0, 0};
    int k1;
    CHECK(MPI_Keyval_create(MPI_DUP_FN, count_delete, &k1, &old) == MPI_SUCCESS);
    MPI_Comm e;
    MPI_Comm_dup(MPI_COMM_WORLD, &e);
    MPI_Attr_put(e, k1, (void*)(intptr_t)7);
    MPI_Attr_get(e, k1, &value, &flag);
    CHECK(flag && value == (void*)(intptr_t)7);
    MPI_Attr_delete(e, k1);
    CHECK(old.deletes == 1 && old.last_deleted == 7);
    MPI_Keyval_free(&k1);
    MPI_Comm_free(&e);
}

static void predefined(void) {
    int flag = 0, *v = NULL;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &v, &flag);
    CHECK(flag && *v >= 32767);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &v, &flag);
    CHECK(!flag || *v == 0 || *v == 1);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &v, &flag);
    CHECK(flag && *v >= MPI_ERR_LASTCODE);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &v, &flag);
    CHECK(!flag || *v > 0); /* Open MPI counts the slots it was given, mosix the ranks */
}

static void info(const char* program) {
    char value[MPI_MAX_INFO_VAL + 1], key[MPI_MAX_INFO_KEY + 1];
    int flag = 0, len = 0, nkeys = 0, size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* MPI_INFO_ENV: the standard's keys, those that are set must be right. */
    MPI_Info_get(MPI_INFO_ENV, "maxprocs", MPI_MAX_INFO_VAL, value, &flag);
    CHECK(!flag || atoi(value) == size);
    MPI_Info_get(MPI_INFO_ENV, "command", MPI_MAX_INFO_VAL, value, &flag);
    const char* base = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;
    CHECK(!flag || strstr(value, base) != NULL);

    MPI_Info in;
    CHECK(MPI_Info_create(&in) == MPI_SUCCESS);
    MPI_Info_get_nkeys(in, &nkeys);
    CHECK(nkeys == 0);
    MPI_Info_set(in, "alpha", "1");
    MPI_Info_set(in, "beta", "two");
    MPI_Info_set(in, "gamma", "three3");
    MPI_Info_set(in, "beta", "second"); /* replaces */
    MPI_Info_get_nkeys(in, &nkeys);
    CHECK(nkeys == 3);
    MPI_Info_get(in, "beta", MPI_MAX_INFO_VAL, value, &flag);
    CHECK(flag && strcmp(value, "second") == 0);
    MPI_Info_get_valuelen(in, "gamma", &len, &flag);
    CHECK(flag && len == 6);
    MPI_Info_get(in, "gamma", 3, value, &flag); /* truncated to 3 characters */
    CHECK(flag && strcmp(value, "thr") == 0);
    MPI_Info_get(in, "delta", MPI_MAX_INFO_VAL, value, &flag);
    CHECK(!flag);
    MPI_Info_get_valuelen(in, "delta", &len, &flag);
    CHECK(!flag);
    int seen = 0;
    for (int i = 0; i < nkeys; ++i) {
        MPI_Info_get_nthkey(in, i, key);
        seen |= strcmp(key, "alpha") == 0   ? 1
                : strcmp(key, "beta") == 0  ? 2
                : strcmp(key, "gamma") == 0 ? 4
                                            : 8;
    }
    CHECK(seen == 7);

    MPI_Info copy;
    MPI_Info_dup(in, &copy);
    MPI_Info_delete(in, "alpha");
    MPI_Info_get_nkeys(in, &nkeys);
    CHECK(nkeys == 2);
    MPI_Info_get_nkeys(copy, &nkeys);
    CHECK(nkeys == 3); /* the duplicate is its own object */
    MPI_Info_get(copy, "alpha", MPI_MAX_INFO_VAL, value, &flag);
    CHECK(flag && strcmp(value, "1") == 0);

    /* Calls that take hints accept any Info and ignore keys they do not know. */
    void* mem = NULL;
    CHECK(MPI_Alloc_mem(64, in, &mem) == MPI_SUCCESS);
    memset(mem, 1, 64);
    MPI_Free_mem(mem);
    MPI_Comm shared;
    CHECK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, in, &shared) == MPI_SUCCESS);
    MPI_Comm_free(&shared);

    /* A communicator's hints. */
    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    CHECK(MPI_Comm_set_info(comm, copy) == MPI_SUCCESS);
    MPI_Info used;
    CHECK(MPI_Comm_get_info(comm, &used) == MPI_SUCCESS);
    CHECK(used != MPI_INFO_NULL);
    MPI_Info_free(&used);
    CHECK(used == MPI_INFO_NULL);
    MPI_Comm_free(&comm);

    /* MPI_Comm_dup_with_info: a working duplicate, with the hints of the Info given. */
    MPI_Comm hinted;
    CHECK(MPI_Comm_dup_with_info(MPI_COMM_WORLD, copy, &hinted) == MPI_SUCCESS);
    int result = MPI_UNEQUAL, one = 1, total = 0, members = 0;
    MPI_Comm_compare(MPI_COMM_WORLD, hinted, &result);
    CHECK(result == MPI_CONGRUENT);
    MPI_Comm_size(hinted, &members);
    MPI_Allreduce(&one, &total, 1, MPI_INT, MPI_SUM, hinted);
    CHECK(total == members);
    CHECK(MPI_Comm_get_info(hinted, &used) == MPI_SUCCESS);
    MPI_Info_free(&used);
    MPI_Comm_free(&hinted);
    CHECK(hinted == MPI_COMM_NULL);

    MPI_Info_free(&copy);
    MPI_Info_free(&in);
    CHECK(in == MPI_INFO_NULL);
    SAY("info: ok\n");
}

static void error_classes(void) {
    int cls, code, code2, got, len, *last, flag;
    char text[MPI_MAX_ERROR_STRING];
    CHECK(MPI_Add_error_class(&cls) == MPI_SUCCESS);
    CHECK(cls > MPI_ERR_LASTCODE || cls > MPI_T_ERR_INVALID);
    CHECK(MPI_Add_error_code(cls, &code) == MPI_SUCCESS);
    CHECK(MPI_Add_error_code(MPI_ERR_ARG, &code2) == MPI_SUCCESS);
    CHECK(code != cls && code2 != code);
    MPI_Add_error_string(cls, "the solver diverged");
    MPI_Add_error_string(code, "the solver diverged at step 3");
    MPI_Error_class(code, &got);
    CHECK(got == cls);
#ifdef MOSIX_MPI
    /* A class is its own class (Open MPI 4.1 answers MPI_ERR_UNKNOWN for a class it added). */
    MPI_Error_class(cls, &got);
    CHECK(got == cls);
#endif
    MPI_Error_class(code2, &got);
    CHECK(got == MPI_ERR_ARG);
    MPI_Error_string(code, text, &len);
    CHECK(strcmp(text, "the solver diverged at step 3") == 0 && len == (int)strlen(text));
    MPI_Error_string(cls, text, &len);
    CHECK(strcmp(text, "the solver diverged") == 0);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &last, &flag);
    CHECK(flag && *last >= code2 && *last >= code && *last >= cls);

    /* A user code through a handler that returns it. */
    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    MPI_Errhandler eh;
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    MPI_Comm_get_errhandler(comm, &eh);
    CHECK(eh == MPI_ERRORS_RETURN);
    CHECK(MPI_Comm_call_errhandler(comm, code) == MPI_SUCCESS);
    MPI_Comm_free(&comm);
    SAY("error classes: ok\n");
}

static void self_deleted(MPI_Comm comm, int* deleted) {
    (void)comm;
    *deleted = 1;
}

static int on_finalize(MPI_Comm comm, int keyval, void* value, void* extra) {
    (void)keyval;
    (void)value;
    self_deleted(comm, extra);
    return MPI_SUCCESS;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK(MPI_Pcontrol(0) == MPI_SUCCESS);
    attributes();
    predefined();
    info(argv[0]);
    error_classes();
    CHECK(MPI_Pcontrol(1) == MPI_SUCCESS && MPI_Pcontrol(2, "extra") == MPI_SUCCESS);

    /* MPI_Finalize deletes MPI_COMM_SELF's attributes. */
    int deleted = 0, selfkey;
    MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, on_finalize, &selfkey, &deleted);
    MPI_Comm_set_attr(MPI_COMM_SELF, selfkey, NULL);
    MPI_Finalize();
    if (rank == 0 && deleted) printf("attributes_info on %d ranks\n", size);
    return deleted ? 0 : 1;
}
