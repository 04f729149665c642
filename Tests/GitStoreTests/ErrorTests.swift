import Foundation
@testable import GitStore
import Testing

@Suite struct ErrorTests {
    @Test func errorDescriptionsNameWhatWentWrong() {
        #expect(GitStoreError.unknownRevision("HEAD~9").description == "unknown revision 'HEAD~9': no commit of that name in the repository")
        #expect(GitStoreError.notARepository("/srv/x").description == "not a git repository (or inside one): /srv/x")
        let busy = GitStoreError.repositoryBusy(repository: "/srv/ops", state: .rebaseMerge)
        #expect(busy.description == "repository /srv/ops is in the middle of a rebase: finish or abort the rebase "
            + "(git rebase --continue or git rebase --abort) and run the command again")
        let failure = LibGit2Failure(
            operation: "git_commit_create", code: -15, errorClass: 4, message: "current tip is not the first parent",
            revision: "HEAD")
        #expect(failure.description == "git_commit_create failed at revision 'HEAD': current tip is not the first parent "
            + "(libgit2 class 4 reference, code -15 EMODIFIED)")
    }

    @Test func failureWithoutLibgit2MessageStillDescribesTheCall() {
        LibGit2.ensureInitialized()
        LibGit2.clearLastError()
        let failure = LibGit2.failure(-3, "git_tree_entry_bypath", path: "inventory/a.json")
        #expect(failure == LibGit2Failure(
            operation: "git_tree_entry_bypath", code: -3, errorClass: 0, message: "libgit2 gave no error message",
            path: "inventory/a.json"))
        #expect(failure.description == "git_tree_entry_bypath failed for path 'inventory/a.json': libgit2 gave no "
            + "error message (libgit2 class 0 none, code -3 ENOTFOUND)")
    }
}
