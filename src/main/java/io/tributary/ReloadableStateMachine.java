package io.tributary;

import java.io.IOException;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;

/**
 * A Ratis state machine whose state can be replaced by a snapshot installed from its group's leader (a member
 * too far behind the leader's log): Ratis pauses it, installs the snapshot, then has it take the snapshot up
 * ({@link #reinitialize}) before it applies the entries after it.
 */
public abstract class ReloadableStateMachine extends BaseStateMachine {
  @Override
  public final void pause() {
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  @Override
  public final void reinitialize() throws IOException {
    reload();
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  /** Takes up the newest snapshot in the storage, which may have just been installed from the leader. */
  protected abstract void reload() throws IOException;
}
