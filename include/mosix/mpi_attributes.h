/*
 * mpi_attributes.h — part of mpi.h (include <mpi.h>, not this file): attribute caching and keyvals, Info objects, user error classes and codes.
 */
#ifndef MOSIX_MPI_ATTRIBUTES_H
#define MOSIX_MPI_ATTRIBUTES_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_attributes.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- attributes on communicators ---------------------------------------------------------- */

/*
 * A keyval names one kind of attribute; each communicator holds at most one value per keyval.
 * MPI_Comm_dup calls the keyval's copy function for each attribute of the old communicator (the
 * new one gets the value it returns if it sets *flag); MPI_Comm_free, MPI_Comm_delete_attr and
 * MPI_Comm_set_attr over an existing value call the delete function; MPI_Finalize deletes
 * MPI_COMM_SELF's attributes first, in the reverse order of their setting. A callback that
 * returns other than MPI_SUCCESS makes the call fail with that code.
 *
 * Keyvals and attributes belong to the rank and travel with it when it migrates. Callbacks run
 * inside the library: they may call MPI, but memory they allocate comes from the PE, not from the
 * rank, so a value allocated by a copy function should not outlive a migration (allocate values
 * before setting them, as in the usual use).
 *
 * MPI_Comm_get_attr also answers the predefined keys of mpi.h (MPI_TAG_UB, MPI_HOST, MPI_IO,
 * MPI_WTIME_IS_GLOBAL) and MPI_LASTUSEDCODE, MPI_UNIVERSE_SIZE; those cannot be set or deleted.
 */
typedef int MPI_Comm_copy_attr_function(MPI_Comm oldcomm, int comm_keyval, void* extra_state,
                                        void* attribute_val_in, void* attribute_val_out, int* flag);
typedef int MPI_Comm_delete_attr_function(MPI_Comm comm, int comm_keyval, void* attribute_val,
                                          void* extra_state);
/* the MPI-1 names of the same callbacks (deprecated, still in MPI-3.1) */
typedef MPI_Comm_copy_attr_function MPI_Copy_function;
typedef MPI_Comm_delete_attr_function MPI_Delete_function;

/* the predefined callbacks: copy nothing, copy the value itself, delete nothing */
int mosix_comm_null_copy_fn(MPI_Comm oldcomm, int comm_keyval, void* extra_state, void* attribute_val_in,
                            void* attribute_val_out, int* flag);
int mosix_comm_dup_fn(MPI_Comm oldcomm, int comm_keyval, void* extra_state, void* attribute_val_in,
                      void* attribute_val_out, int* flag);
int mosix_comm_null_delete_fn(MPI_Comm comm, int comm_keyval, void* attribute_val, void* extra_state);
#define MPI_COMM_NULL_COPY_FN mosix_comm_null_copy_fn
#define MPI_COMM_DUP_FN mosix_comm_dup_fn
#define MPI_COMM_NULL_DELETE_FN mosix_comm_null_delete_fn
#define MPI_NULL_COPY_FN mosix_comm_null_copy_fn
#define MPI_DUP_FN mosix_comm_dup_fn
#define MPI_NULL_DELETE_FN mosix_comm_null_delete_fn

/* more predefined keys (see mpi.h): the largest error code in use, and the job's rank count */
#define MPI_LASTUSEDCODE 0x64400009
#define MPI_UNIVERSE_SIZE 0x6440000b

int MPI_Comm_create_keyval(MPI_Comm_copy_attr_function* comm_copy_attr_fn,
                           MPI_Comm_delete_attr_function* comm_delete_attr_fn, int* comm_keyval,
                           void* extra_state);
int MPI_Comm_free_keyval(int* comm_keyval);
int MPI_Comm_set_attr(MPI_Comm comm, int comm_keyval, void* attribute_val);
int MPI_Comm_delete_attr(MPI_Comm comm, int comm_keyval);
/* MPI_Comm_get_attr is declared in mpi.h. */

/* MPI-1 forms (deprecated): the same as the calls above. */
int MPI_Keyval_create(MPI_Copy_function* copy_fn, MPI_Delete_function* delete_fn, int* keyval,
                      void* extra_state);
int MPI_Keyval_free(int* keyval);
int MPI_Attr_put(MPI_Comm comm, int keyval, void* attribute_val);
int MPI_Attr_get(MPI_Comm comm, int keyval, void* attribute_val, int* flag);
int MPI_Attr_delete(MPI_Comm comm, int keyval);

/* ---- Info objects --------------------------------------------------------------------------- */

/*
 * An Info object is an ordered set of (key, value) strings. Keys are at most MPI_MAX_INFO_KEY - 1
 * characters, values at most MPI_MAX_INFO_VAL - 1; setting a key again replaces its value in place.
 * Calls that take an Info accept any valid one and ignore keys they do not know (mosix knows none
 * yet). MPI_INFO_ENV holds what the job was started with: "command" and "argv" (space-separated;
 * when MPI_Init was given them), "maxprocs" and "soft" (the rank count), "host" (this rank's host
 * when MPI_Init ran), "arch", "wdir" and "thread_level" (what MPI_Init_thread was asked for); it
 * cannot be changed or freed. Info objects belong to the rank and migrate with it.
 */
#define MPI_MAX_INFO_KEY 256
#define MPI_MAX_INFO_VAL 1024
#define MPI_INFO_ENV ((MPI_Info)0x5c000000)

int MPI_Info_create(MPI_Info* info);
int MPI_Info_set(MPI_Info info, const char* key, const char* value);
int MPI_Info_get(MPI_Info info, const char* key, int valuelen, char* value, int* flag);
int MPI_Info_get_valuelen(MPI_Info info, const char* key, int* valuelen, int* flag);
int MPI_Info_get_nkeys(MPI_Info info, int* nkeys);
int MPI_Info_get_nthkey(MPI_Info info, int n, char* key);
int MPI_Info_delete(MPI_Info info, const char* key);
int MPI_Info_dup(MPI_Info info, MPI_Info* newinfo);
int MPI_Info_free(MPI_Info* info);
/* A communicator's hints: MPI_Comm_set_info keeps the keys, MPI_Comm_get_info returns a new Info
 * with them (MPI_Comm_dup copies them; MPI_Comm_dup_with_info gives the duplicate those of `info`
 * instead, none for MPI_INFO_NULL). None changes what mosix does. */
int MPI_Comm_set_info(MPI_Comm comm, MPI_Info info);
int MPI_Comm_get_info(MPI_Comm comm, MPI_Info* info_used);
int MPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm* newcomm);

/* ---- user error classes, codes and strings --------------------------------------------------- */

/*
 * New classes and codes are numbered above MPI_ERR_LASTCODE; MPI_Comm_get_attr(MPI_COMM_WORLD,
 * MPI_LASTUSEDCODE) gives the largest so far. MPI_Error_class maps a new code to its class and
 * MPI_Error_string returns the string set for it (empty until one is set). Like attributes, they
 * belong to the calling rank: a program that needs the same numbers on every rank adds them in the
 * same order everywhere.
 */
int MPI_Add_error_class(int* errorclass);
int MPI_Add_error_code(int errorclass, int* errorcode);
int MPI_Add_error_string(int errorcode, const char* string);

/* MPI-1 forms of the error-handler calls (deprecated): MPI_Comm_create_errhandler and friends. */
int MPI_Errhandler_create(MPI_Handler_function* function, MPI_Errhandler* errhandler);
int MPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler);
int MPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler* errhandler);

/* ---- profiling control ------------------------------------------------------------------------ */

/* Accepted at any level and ignored: mosix itself profiles nothing through it. A profiling tool
 * that defines its own MPI_Pcontrol sees the calls, like any other MPI_ call. */
int MPI_Pcontrol(const int level, ...);

/* ---- the profiling interface ------------------------------------------------------------------ */
int PMPI_Comm_create_keyval(MPI_Comm_copy_attr_function* comm_copy_attr_fn,
                            MPI_Comm_delete_attr_function* comm_delete_attr_fn, int* comm_keyval,
                            void* extra_state);
int PMPI_Comm_free_keyval(int* comm_keyval);
int PMPI_Comm_set_attr(MPI_Comm comm, int comm_keyval, void* attribute_val);
int PMPI_Comm_delete_attr(MPI_Comm comm, int comm_keyval);
int PMPI_Keyval_create(MPI_Copy_function* copy_fn, MPI_Delete_function* delete_fn, int* keyval,
                       void* extra_state);
int PMPI_Keyval_free(int* keyval);
int PMPI_Attr_put(MPI_Comm comm, int keyval, void* attribute_val);
int PMPI_Attr_get(MPI_Comm comm, int keyval, void* attribute_val, int* flag);
int PMPI_Attr_delete(MPI_Comm comm, int keyval);
int PMPI_Info_create(MPI_Info* info);
int PMPI_Info_set(MPI_Info info, const char* key, const char* value);
int PMPI_Info_get(MPI_Info info, const char* key, int valuelen, char* value, int* flag);
int PMPI_Info_get_valuelen(MPI_Info info, const char* key, int* valuelen, int* flag);
int PMPI_Info_get_nkeys(MPI_Info info, int* nkeys);
int PMPI_Info_get_nthkey(MPI_Info info, int n, char* key);
int PMPI_Info_delete(MPI_Info info, const char* key);
int PMPI_Info_dup(MPI_Info info, MPI_Info* newinfo);
int PMPI_Info_free(MPI_Info* info);
int PMPI_Comm_set_info(MPI_Comm comm, MPI_Info info);
int PMPI_Comm_get_info(MPI_Comm comm, MPI_Info* info_used);
int PMPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm* newcomm);
int PMPI_Add_error_class(int* errorclass);
int PMPI_Add_error_code(int errorclass, int* errorcode);
int PMPI_Add_error_string(int errorcode, const char* string);
int PMPI_Errhandler_create(MPI_Handler_function* function, MPI_Errhandler* errhandler);
int PMPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler);
int PMPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler* errhandler);
int PMPI_Pcontrol(const int level, ...);

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_ATTRIBUTES_H */
